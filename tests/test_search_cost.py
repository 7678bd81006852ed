"""No query text can make a search expensive: the rows one search reads are bounded by construction.

Generated pages (`generate_bench_content`) repeat a small vocabulary, so most
words are on nearly every page: the worst case for a search engine that
ranks every match. Here the bound is checked in rows read, which is the same
on both databases, and on PostgreSQL also in time.
"""

import random
import statistics
import time

import pytest
from wagtail.models import Site

from content_models.management.commands.generate_bench_content import generate
from publishing import store as public_store
from search.engine import SiteSearch
from search.latency import worst_cases
from search.ranking import CANDIDATES

pytestmark = pytest.mark.django_db

COMMON = "bredbånd tilskudd næringsliv kompetanse samferdsel kollektivtrafikk folkehelse kultur friluftsliv fiskeri"


def generated(count: int):
    generate(count, sections=4)
    # Bulk inserts send no signals: making their stored public form indexes them too.
    public_store.rebuild()
    return Site.objects.get(is_default_site=True)


def plan_terms(engine, query) -> int:
    from django.utils import timezone

    from search.ranking import IndexReader

    return len(engine.plan(query, IndexReader(engine.site, "nb", timezone.now())).terms())


# Hard cases for a search that ranks every match; each is checked on the same generated site (making it is
# most of the cost of these tests).
HARD_QUERIES = [
    "bredbånd",  # on every page
    COMMON,  # ten words on every page
    "bredbånd xqzvyy",  # a made-up word next to a common one
    "bredbåndtilskuddkompetanse",  # a long compound of common words
    "tilskud",  # a typo of a word on every page
]


def test_rows_read_do_not_grow_with_the_pages_matching(demo):
    site = generated(CANDIDATES + 100)
    for query in HARD_QUERIES:
        engine = SiteSearch(site)
        results = engine.search(query, limit=100, remember=False)
        terms = plan_terms(engine, query)
        # Each term's best CANDIDATES postings, then each group's postings on at most that many candidates
        # (a page and its two contact people may each hold one).
        assert engine.rows_read <= CANDIDATES * terms * 4 + CANDIDATES, (query, engine.rows_read, terms)
        assert results.total_count <= CANDIDATES * max(terms, 1), query

    # A word on every page ranks a capped candidate set: the best CANDIDATES postings, a page's and those of
    # the contact people on it (who have their own window).
    results = SiteSearch(site).search("bredbånd", limit=10, remember=False)
    assert CANDIDATES // 2 <= results.total_count <= CANDIDATES
    assert len(results.hits) == 10
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.postgres
def test_uncached_worst_case_searches_stay_fast_on_postgresql(demo):
    site = generated(2000)
    engine = SiteSearch(site)
    engine.search("oppvarming", remember=False)
    timings = []
    for queries in worst_cases(site, 5).values():
        for query in queries:
            started = time.perf_counter()
            engine.search(query, limit=10, remember=False)
            timings.append((time.perf_counter() - started) * 1000)
    # The target is 50 ms at 10,000 pages on a quiet machine (docs/search.md); this machine is shared.
    assert statistics.median(timings) < 100, sorted(timings)
    assert max(timings) < 500, sorted(timings)


def _answers(engine, queries) -> list:
    return [
        (r.total_count, [(h.page_id, h.score, h.url_path) for h in r.hits])
        for r in (engine.search(query, limit=100, remember=False) for query in queries)
    ]


def test_skipping_postings_the_first_read_answered_ranks_exactly_as_reading_them(demo, monkeypatch):
    """`rank` does not read again the postings its first read already gave for every candidate; the answers
    (totals, pages, scores, order) are the same as when it reads them all, including where the first read
    was cut off at the candidate limit."""
    from search import ranking

    engine = SiteSearch(generated(150))
    # Small limits, so the first read of a common word stops before its last page.
    monkeypatch.setattr(ranking, "CANDIDATES", 40)
    monkeypatch.setattr(ranking, "MIN_CANDIDATES", 20)
    queries = [*COMMON.split(), COMMON, "bredbånd tilskudd", "kommune", "fylkeskommunen kompetanse", "Kjetil"]
    skipping = _answers(engine, queries)
    monkeypatch.setattr(ranking.BestRead, "answers", lambda self, term, entry_ids: False)
    assert _answers(engine, queries) == skipping
    assert any(total for total, _hits in skipping)


def test_a_query_of_many_long_words_looks_up_the_parts_of_a_few(demo):
    from django.utils import timezone

    from search.query import MAX_SPLIT_PIECES
    from search.ranking import IndexReader

    engine = SiteSearch(Site.objects.get(is_default_site=True))
    rng = random.Random(3)
    made_up = " ".join("".join(rng.choice("abdefghijklmnoprstuvyæøå") for _ in range(30)) for _ in range(6))
    reader = IndexReader(engine.site, "nb", timezone.now())
    engine.plan(made_up, reader)
    # The budget is checked before each word, so it can be passed by one word's parts (at most ~760); these
    # six words, split whole, were 3,250 terms to look up.
    assert len(reader.stamps) <= 2 * MAX_SPLIT_PIECES
    # A compound the site lacks is still found by its parts, and split first next to longer made-up words.
    assert engine.search("bredbåndtilskudd", remember=False).total_count >= 1
    typed = " ".join([*made_up.split()[:4], "bredbåndtilskudd"])
    plan = engine.plan(typed, IndexReader(engine.site, "nb", timezone.now()))
    [compound] = [group for group in plan.groups if group.typed == "bredbåndtilskudd"]
    assert any(len(alternative.slots) >= 2 for alternative in compound.alternatives)
