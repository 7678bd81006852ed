"""One number that changes whenever anything the public API shows changes.

Everything cached from public content (responses, the visibility rule's
result, search rankings, the site per host) is stored under the version it
was made from, so a bump makes every process stop using all of it at once,
with no list of keys to track. The number lives in the shared cache (Redis in
production).

Publishing, unpublishing, moving or deleting a page, publishing or
unpublishing a snippet, and saving or deleting anything else the API shows
bump it. Draft saves do not: the live page is unchanged. Scheduled go-live and
expiry send no signal; caches bound their lifetime by
`api.visibility_cache.seconds_until_next_schedule` instead.
"""

import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

VERSION_KEY = "api:content-version"

# Saving these (or any page type) changes what the API shows.
INVALIDATING_MODELS = {
    "wagtailcore.site",
    "wagtailcore.pageviewrestriction",
    "wagtailcore.collection",
    "wagtailcore.collectionviewrestriction",
    "wagtaildocs.document",
    "wagtailimages.image",
    "wagtailredirects.redirect",
    "wagtailsearchpromotions.searchpromotion",
    "content_models.contactperson",
    "content_models.organisationsettings",
    "search.synonym",
    # The allow-list of persisted queries: a removed document must stop being answered.
    "api.persistedquery",
}
# Wagtail writes these when an editor saves a draft; the live page is unchanged.
DRAFT_ONLY_FIELDS = {
    "draft_title",
    "latest_revision",
    "latest_revision_created_at",
    "has_unpublished_changes",
    "locked",
    "locked_at",
    "locked_by",
}


def version_cache():
    return caches[settings.API.get("RESPONSE_CACHE_ALIAS", "default")]


# (version, monotonic time it was read) as last read by this process, and how many bumps it has seen.
_lease: tuple[int | None, float] = (None, 0.0)
_bumps = 0
_lease_lock = threading.Lock()
# A bump the shared cache did not take (it was unreachable), to be made once it answers again.
_bump_owed = False
# After a failed read, the shared cache is not asked again before this (monotonic) time.
_unreachable_until = 0.0
UNREACHABLE_BACKOFF = 1.0


def content_version() -> int | None:
    """The current version, read from the shared cache at most every `API["CONTENT_VERSION_TTL"]` seconds.

    Reading it costs a round trip to Redis on every request otherwise. A
    publish in this process is seen at once (`bump_content_version` drops the
    lease); one in another process within the TTL (0.25 s by default).

    None when the shared cache cannot hold it (Redis down): then nothing may be
    shared or kept, since no publish could be noticed.
    """
    global _lease, _bump_owed, _unreachable_until
    version, read_at = _lease
    now = time.monotonic()
    if version is not None and now - read_at < settings.API["CONTENT_VERSION_TTL"]:
        return version
    if now < _unreachable_until:
        return None
    bumps = _bumps
    if _bump_owed and _bump_shared():
        # The publish made while the cache was unreachable: everything kept before it is outdated now.
        _bump_owed = False
    cache = version_cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        # A clock-based start never reuses the numbers of a cache that was flushed.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
        if version is None:
            _unreachable_until = now + UNREACHABLE_BACKOFF
            return None
    with _lease_lock:
        # A read that began before a bump in this process must not bring the older number back.
        if bumps == _bumps and (_lease[0] is None or version >= _lease[0]):
            _lease = (version, now)
    return version


def request_version(request) -> int | None:
    """The one version a request is answered under: its response cache entry and its data agree."""
    if not hasattr(request, "_content_version"):
        request._content_version = content_version()
    return request._content_version


def _bump_shared() -> bool:
    cache = version_cache()
    try:
        # django-redis answers None instead of raising when Redis is unreachable (IGNORE_EXCEPTIONS).
        return cache.incr(VERSION_KEY) is not None
    except ValueError:
        return bool(cache.add(VERSION_KEY, time.time_ns(), timeout=None))


def bump_content_version(**kwargs):
    global _lease, _bumps, _bump_owed
    if not _bump_shared():
        _bump_owed = True
    with _lease_lock:
        _bumps += 1
        _lease = (None, 0.0)


def content_changed(**kwargs):
    bump_content_version()
    # A request that read the old rows during the writing transaction could
    # store them under the new version; bumping again after commit drops those.
    transaction.on_commit(bump_content_version)


def _model_saved(sender, instance=None, update_fields=None, **kwargs):
    if issubclass(sender, Page):
        if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
            return
    elif sender._meta.label_lower not in INVALIDATING_MODELS:
        return
    content_changed()


def _model_deleted(sender, **kwargs):
    if issubclass(sender, Page) or sender._meta.label_lower in INVALIDATING_MODELS:
        content_changed()


def connect_signals():
    for signal in (page_published, page_unpublished, post_page_move, published, unpublished):
        signal.connect(content_changed, dispatch_uid=f"api.content_version.{signal!r}")
    post_save.connect(_model_saved, dispatch_uid="api.content_version.post_save")
    post_delete.connect(_model_deleted, dispatch_uid="api.content_version.post_delete")
