"""What search needs done now and then, run by the worker (`WORKER["PERIODIC_JOBS"]`).

The hook point for periodic search work: counts this process has not
written yet, and daily hit rows older than Wagtail keeps
(`WAGTAILSEARCH_HITS_MAX_AGE`, 7 days by default).
"""

from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from . import statistics


def run():
    statistics.flush()
    # As Wagtail's `searchpromotions_garbage_collect` does: old daily hits, then queries left with none.
    QueryDailyHits.garbage_collect()
    Query.garbage_collect()
