"""Search statistics, written behind the searches.

Editors see popular searches (Wagtail's "Search terms" report) and searches
with no hits (ours). Writing those rows inside every search made each search
wait for a write, and concurrent searches for the same words queue on the
same row lock. So each process counts searches in memory and writes the
counts in one transaction, on a thread of its own, at most every
`SEARCH_STATISTICS_FLUSH_SECONDS` (5 s by default; 0 writes at once, on the
request's thread), and once more when the process exits.

A write that fails puts its counts back, to be written with the next one; at
most the last few seconds of counts of a process that is killed outright are
lost, never content.
"""

import atexit
import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from .models import ZeroResultQuery

logger = logging.getLogger(__name__)

_pending: Counter[tuple[str, bool]] = Counter()
_lock = threading.Lock()
_last_write = time.monotonic()


def normalised(query: str) -> str:
    # As Wagtail's `Query.get` stores it.
    return " ".join(query.lower().split())[:255]


def record(query: str, total: int):
    """Count one search of `query` that found `total` pages."""
    global _last_write
    delay = settings.SEARCH_STATISTICS_FLUSH_SECONDS
    with _lock:
        _pending[(normalised(query), total == 0)] += 1
        due = time.monotonic() - _last_write >= delay
        if due:
            _last_write = time.monotonic()
    if due and delay <= 0:
        flush()
    elif due:
        # Off the request's thread: a write of many counts must not delay the search that triggered it.
        threading.Thread(target=_flush_in_thread, name="search-statistics", daemon=True).start()


def _flush_in_thread():
    try:
        flush()
    finally:
        # This thread's own database connection.
        connections.close_all()


def flush():
    """Write the counted searches now."""
    with _lock:
        counts = dict(_pending)
        _pending.clear()
    if not counts:
        return
    try:
        _write(counts)
    except Exception:
        logger.exception("Could not write search statistics; keeping them for the next write")
        with _lock:
            _pending.update(counts)


def _write(counts: dict[tuple[str, bool], int]):
    today = timezone.now().date()
    with transaction.atomic():
        for (query_string, zero), hits in sorted(counts.items()):
            query = Query.get(query_string)
            daily, _ = QueryDailyHits.objects.get_or_create(query=query, date=today)
            QueryDailyHits.objects.filter(pk=daily.pk).update(hits=F("hits") + hits)
            if zero:
                ZeroResultQuery.record(query_string, hits)


atexit.register(flush)
