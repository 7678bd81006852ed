"""After content changes, the week's popular searches are ranked again in the background."""

import pytest
from django.core.cache import cache
from wagtail.models import Site

from publishing.version import bump_content_version, content_version
from search import statistics, warming
from search.engine import SiteSearch

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(shared_caching, settings):
    settings.SEARCH_WARM_POPULAR = 5
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def threads(monkeypatch):
    started = []

    class FakeThread:
        def __init__(self, target, args, name, daemon):
            started.append((target, args))

        def start(self):
            pass

    monkeypatch.setattr(warming.threading, "Thread", FakeThread)
    yield started
    # The fake threads never finish on their own.
    warming._busy.clear()


def test_the_first_search_of_a_content_version_starts_warming_once(shared, threads):
    SiteSearch(shared).search("bredbånd")
    SiteSearch(shared).search("omstilling")
    assert threads == [(warming._warm_in_thread, (shared, 5))]

    warming._done(shared)  # that warming thread finished
    bump_content_version()
    SiteSearch(shared).search("bredbånd")
    assert len(threads) == 2


def test_only_one_process_warms_a_version(shared, threads):
    # Another process claimed this version first.
    cache.add(f"search:warming:{shared.pk}:{content_version()}", True)
    SiteSearch(shared).search("bredbånd")
    assert threads == []


def test_warming_runs_the_most_popular_searches(shared, settings, django_assert_num_queries):
    settings.SEARCH_STATISTICS_FLUSH_SECONDS = 0
    for query, times in [("bredbånd", 3), ("kompetanse", 2), ("gnist", 1)]:
        for _ in range(times):
            statistics.record(query, 1)
    assert warming.popular_queries(2) == ["bredbånd", "kompetanse"]

    assert warming.warm(shared, 5) == 3
    # Their answers are kept: searching them again costs nothing.
    for query in ("bredbånd", "kompetanse", "gnist"):
        with django_assert_num_queries(0):
            SiteSearch(shared).search(query)


def test_off_when_set_to_zero(shared, threads, settings):
    settings.SEARCH_WARM_POPULAR = 0
    SiteSearch(shared).search("bredbånd")
    assert threads == []
