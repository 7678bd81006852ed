"""Search statistics, written behind the searches.

Editors see popular searches (Wagtail's "Search terms" report) and searches
with no hits (ours). Writing those rows inside every search made each search
wait for a write, and concurrent searches for the same words queue on the
same row lock. So each process counts searches in memory and writes them in
one transaction, on a thread of its own, `SEARCH_STATISTICS_FLUSH_SECONDS`
(5 s by default; 0 writes at once, on the request's thread) after the first
count not yet written, and once more when the process exits.

A write that fails puts its counts back, to be written with the next one; at
most the last few seconds of counts of a process that is killed outright are
lost, never content.
"""

import atexit
import logging
import threading
from collections import Counter

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits
from wagtail.search.utils import normalise_query_string

from .models import ZeroResultQuery

logger = logging.getLogger(__name__)

_pending: Counter[tuple[str, bool]] = Counter()
_lock = threading.Lock()
# The write scheduled for the counts not written yet, if any.
_timer: threading.Timer | None = None


def normalised(query: str) -> str:
    # As Wagtail's `Query.get` stores it.
    return " ".join(query.lower().split())[:255]


def record(query: str, total: int):
    """Count one search of `query` that found `total` pages."""
    delay = settings.SEARCH_STATISTICS_FLUSH_SECONDS
    with _lock:
        _pending[(normalised(query), total == 0)] += 1
    if delay <= 0:
        flush()
    else:
        _schedule(delay)


def _schedule(delay: float):
    """A write on a thread of its own, `delay` seconds after the first count it will write."""
    global _timer
    with _lock:
        if _timer is not None:
            return
        timer = _timer = threading.Timer(delay, _flush_in_thread)
        timer.daemon = True
    timer.start()


def _flush_in_thread():
    global _timer
    with _lock:
        _timer = None
    try:
        flush()
    finally:
        # This thread's own database connection.
        connections.close_all()


def discard_unwritten():
    """Forget the counts not written yet and their scheduled write (tests start from nothing)."""
    global _timer
    with _lock:
        if _timer is not None:
            _timer.cancel()
        _timer = None
        _pending.clear()


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
        if settings.SEARCH_STATISTICS_FLUSH_SECONDS > 0:
            _schedule(settings.SEARCH_STATISTICS_FLUSH_SECONDS)


def _write(counts: dict[tuple[str, bool], int]):
    """A handful of statements however many different searches there were (one set per count value)."""
    today = timezone.now().date()
    hits: Counter[str] = Counter()
    zero_hits: Counter[str] = Counter()
    for (query_string, zero), number in counts.items():
        # As Wagtail's `Query.save` stores it; bulk creation skips `save`.
        normalised_string = normalise_query_string(query_string)
        hits[normalised_string] += number
        if zero:
            zero_hits[normalised(query_string)] += number
    with transaction.atomic():
        queries = _rows(Query, "query_string", hits)
        daily = _rows(QueryDailyHits, "query_id", queries.values(), date=today)
        _add(QueryDailyHits, {daily[queries[text]]: number for text, number in hits.items()}, "hits")
        zero_rows = _rows(ZeroResultQuery, "query_string", zero_hits)
        _add(ZeroResultQuery, {zero_rows[text]: number for text, number in zero_hits.items()}, "hits")
        if zero_rows:
            ZeroResultQuery.objects.filter(pk__in=zero_rows.values()).update(last_searched_at=timezone.now())


def _rows(model, field: str, values, **fixed) -> dict:
    """`field` value -> primary key of the rows with these values (and `fixed`), created (empty) where missing."""
    # Sorted, as every process inserts and locks them: two processes writing the same searches then wait
    # for each other instead of deadlocking.
    values = sorted(values)
    if not values:
        return {}
    model.objects.bulk_create([model(**{field: value}, **fixed) for value in values], ignore_conflicts=True)
    return dict(model.objects.filter(**{f"{field}__in": values}, **fixed).values_list(field, "pk"))


def _add(model, increments: dict[int, int], field: str):
    """Add each row's increment to `field`: one UPDATE per distinct increment."""
    if not increments:
        return
    # The rows are locked first, in key order (see `_rows`); the UPDATEs below, one per amount, would
    # otherwise lock them in a different order in each process.
    list(model.objects.filter(pk__in=list(increments)).order_by("pk").select_for_update().values_list("pk"))
    by_amount: dict[int, list[int]] = {}
    for pk, number in increments.items():
        by_amount.setdefault(number, []).append(pk)
    for number, pks in by_amount.items():
        model.objects.filter(pk__in=pks).update(**{field: F(field) + number})


atexit.register(flush)
