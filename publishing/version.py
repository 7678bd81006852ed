"""One number that changes whenever anything the public sees changes.

Everything kept from public content (answers, rows read from the public
store, the site per host name, search answers) is kept under the version it
was read at, so a bump makes every process stop using all of it at once,
with no list of keys to track.

The number is a database row (`publishing.models.ContentVersion`), bumped in
the same transaction as the change. Another process therefore sees the new
number exactly when it can see the new content: the task worker's scheduled
publishing reaches the web processes as an editor's publish does, with or
without Redis, and no cache eviction or outage can lose a bump.

Each process trusts the number it read for `API["CONTENT_VERSION_TTL"]`
seconds (0.25 by default), so a request does not pay a query for it; a
change made in this process is seen at once.
"""

import threading
import time

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from .models import ContentVersion

ROW = 1

# (version, monotonic time it was read) as last read by this process, and how many bumps it has seen.
_lease: tuple[int | None, float] = (None, 0.0)
_bumps = 0
_lease_lock = threading.Lock()


def caching_allowed() -> bool:
    # Inside a transaction what is read may be uncommitted: never share it.
    return not connection.in_atomic_block


def _read() -> int:
    number = ContentVersion.objects.filter(pk=ROW).values_list("number", flat=True).first()
    return number if number is not None else _create()


def _create() -> int:
    # A clock-based start never reuses numbers a shared cache may still hold entries for.
    try:
        with transaction.atomic():
            ContentVersion.objects.create(pk=ROW, number=time.time_ns())
    except IntegrityError:
        pass
    return ContentVersion.objects.values_list("number", flat=True).get(pk=ROW)


def content_version() -> int:
    """The current version, read from the database at most every `API["CONTENT_VERSION_TTL"]` seconds."""
    global _lease
    version, read_at = _lease
    now = time.monotonic()
    if version is not None and now - read_at < settings.API["CONTENT_VERSION_TTL"]:
        return version
    bumps = _bumps
    version = _read()
    with _lease_lock:
        # A read that began before a bump in this process must not bring the older number back.
        if bumps == _bumps and (_lease[0] is None or version >= _lease[0]):
            _lease = (version, now)
    return version


def request_version(request) -> int:
    """The one version a request is answered under: its cached answer and its data agree."""
    if not hasattr(request, "_content_version"):
        request._content_version = content_version()
    return request._content_version


def shared_version(request=None) -> int | None:
    """The version content read now may be kept under, or None inside a transaction, where nothing may be kept.

    With a request, that request's one version.
    """
    if not caching_allowed():
        return None
    return request_version(request) if request is not None else content_version()


def _forget_lease():
    global _lease, _bumps
    with _lease_lock:
        _bumps += 1
        _lease = (None, 0.0)


def bump_content_version(**kwargs):
    """Count a change of public content, as part of the current transaction."""
    # Never a number used before, even one a rolled-back transaction took and a cache kept: time moves on.
    number = Greatest(F("number") + 1, Value(time.time_ns()))
    if not ContentVersion.objects.filter(pk=ROW).update(number=number):
        _create()
    _forget_lease()
    # This process's other threads must not go on trusting the old number once the change is visible.
    transaction.on_commit(_forget_lease)
