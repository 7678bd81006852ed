"""Search statistics are written behind the searches: counted in the process, written together."""

import pytest
from wagtail.contrib.search_promotions.models import Query

from search import statistics
from search.models import ZeroResultQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def batched(settings):
    settings.SEARCH_STATISTICS_FLUSH_SECONDS = 3600


def daily_hits(query_string: str) -> int:
    query = Query.objects.filter(query_string=query_string).first()
    return sum(query.daily_hits.values_list("hits", flat=True)) if query else 0


def test_searches_are_counted_and_written_together(batched, django_assert_num_queries):
    with django_assert_num_queries(0):
        for _ in range(3):
            statistics.record("Bredbånd", 4)
        statistics.record("finnesikke", 0)
    assert daily_hits("bredbånd") == 0
    statistics.flush()
    assert daily_hits("bredbånd") == 3
    assert ZeroResultQuery.objects.get(query_string="finnesikke").hits == 1
    assert not ZeroResultQuery.objects.filter(query_string="bredbånd").exists()

    statistics.record("bredbånd", 2)
    statistics.flush()
    assert daily_hits("bredbånd") == 4


def test_a_failed_write_keeps_the_counts_for_the_next(batched, monkeypatch):
    statistics.record("omstilling", 1)
    statistics.record("omstilling", 1)

    def broken(counts):
        raise RuntimeError("database went away")

    monkeypatch.setattr(statistics, "_write", broken)
    statistics.flush()
    monkeypatch.undo()
    assert daily_hits("omstilling") == 0
    statistics.flush()
    assert daily_hits("omstilling") == 2


def test_with_no_delay_each_search_is_written_at_once(settings, gql, demo):
    settings.SEARCH_STATISTICS_FLUSH_SECONDS = 0
    gql('query { siteSearch(query: "kompetanse") { totalCount } }')
    assert daily_hits("kompetanse") == 1


def test_counts_are_written_on_a_timer_thread_not_the_searchs(settings, monkeypatch, django_assert_num_queries):
    settings.SEARCH_STATISTICS_FLUSH_SECONDS = 5
    started = []

    class FakeTimer:
        def __init__(self, delay, target):
            started.append((delay, target))

        def start(self):
            pass

        def cancel(self):
            pass

    monkeypatch.setattr(statistics.threading, "Timer", FakeTimer)
    with django_assert_num_queries(0):
        statistics.record("gnist", 3)
        statistics.record("gnist", 3)
    # One write scheduled for both, five seconds after the first: counts never wait for more traffic.
    assert started == [(5, statistics._flush_in_thread)]
    assert statistics._pending[("gnist", False)] == 2
