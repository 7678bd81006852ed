"""What search needs done now and then, run by the worker (`WORKER["PERIODIC_JOBS"]`).

The hook point for periodic search work: counts this process has not
written yet, and statistics older than Wagtail keeps them
(`WAGTAILSEARCH_HITS_MAX_AGE`, 7 days by default).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from . import statistics
from .models import ZeroResultQuery


def run():
    statistics.flush()
    # As Wagtail's `searchpromotions_garbage_collect` does: old daily hits, then queries left with none.
    QueryDailyHits.garbage_collect()
    Query.garbage_collect()
    # Anyone can add a row here with a search no page answers; without an end, random searches grow the
    # table for ever. A search people keep making stays: each one moves its `last_searched_at`.
    days = getattr(settings, "WAGTAILSEARCH_HITS_MAX_AGE", 7)
    ZeroResultQuery.objects.filter(last_searched_at__lt=timezone.now() - timedelta(days=days)).delete()
