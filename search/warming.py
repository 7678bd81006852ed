"""Popular searches answered again, in the background, after content changes.

Every publish changes the content version, which retires every cached search
answer. The first search after that of a word found on most pages has to rank
every match again: up to seconds on 10,000 pages. So the first time a process
searches under a new version, one process (whichever claims that version in
the shared cache) re-runs the week's most popular searches on a thread of its
own (`SEARCH_WARM_POPULAR`, 20 by default; 0 turns it off), and the people who
search next find their answers ranked already.
"""

import datetime
import logging
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query

logger = logging.getLogger(__name__)


def popular_queries(limit: int, days: int = 7) -> list[str]:
    since = timezone.now().date() - datetime.timedelta(days=days)
    return list(Query.get_most_popular(date_since=since).values_list("query_string", flat=True)[:limit])


# Sites this process is warming now: one thread per site, however fast versions change.
_busy: set[int] = set()
_busy_lock = threading.Lock()


def warm_after_change(site, version):
    """Start warming for this content version, unless some process already has or this one is busy."""
    limit = settings.SEARCH_WARM_POPULAR
    if limit <= 0 or site is None:
        return
    with _busy_lock:
        if site.pk in _busy:
            return
        _busy.add(site.pk)
    if cache.add(f"search:warming:{site.pk}:{version}", True, timeout=3600):
        threading.Thread(target=_warm_in_thread, args=(site, limit), name="search-warming", daemon=True).start()
    else:
        _done(site)


def _done(site):
    with _busy_lock:
        _busy.discard(site.pk)


def warm(site, limit: int) -> int:
    """Run the most popular searches once, so their answers are cached; how many ran."""
    from .engine import SearchInputError, SiteSearch

    done = 0
    for query in popular_queries(limit):
        try:
            SiteSearch(site).search(query)
        except SearchInputError:
            continue
        done += 1
    return done


def _warm_in_thread(site, limit: int):
    try:
        warm(site, limit)
    except Exception:
        logger.exception("Warming popular searches failed; they will be ranked when searched")
    finally:
        _done(site)
        # This thread's own database connection.
        connections.close_all()
