"""Search answers kept across publishes (search.answers): kept when nothing they show or count changed, never stale.

Each test searches once (the answer is kept, sharing switched on as for real
requests), changes something, and searches again.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Page

from content_models.models import ContactPerson, ThemePage
from search.models import IndexedPage, Synonym

pytestmark = pytest.mark.django_db

INFRA = "/attraktive-samfunn/infrastruktur/"
SEARCH = "query($q: String!) { siteSearch(query: $q) { totalCount results { title urlPath excerpt isPromoted } } }"


@pytest.fixture(autouse=True)
def statistics_behind(settings):
    settings.SEARCH_STATISTICS_FLUSH_SECONDS = 3600  # no statistics writes among the statements counted


def search(client, q: str) -> tuple[dict, list[str]]:
    """The answer, and the SQL run for it."""
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/graphql/", json.dumps({"query": SEARCH, "variables": {"q": q}}), "application/json")
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]["siteSearch"], [query["sql"] for query in captured.captured_queries]


def ranked(statements) -> bool:
    """Whether the search read postings (ranked again) rather than serving a kept answer."""
    return any("search_posting" in sql for sql in statements)


def page_without(word_stem: str) -> ThemePage:
    """A theme page the index holds with no term containing this."""
    themes = ThemePage.objects.values_list("pk", flat=True)
    entry = IndexedPage.objects.filter(page_id__in=themes).exclude(terms__contains=word_stem).order_by("pk").first()
    return ThemePage.objects.get(pk=entry.page_id)


def test_a_publish_of_a_page_without_the_words_keeps_the_answer(shared_caching, client):
    first, statements = search(client, "bredbånd")
    assert first["totalCount"] >= 1
    assert ranked(statements)

    other = page_without("bredb")
    other.title = f"{other.title} med havbruksnæring"
    other.save_revision().publish()

    again, statements = search(client, "bredbånd")
    assert again == first
    assert not ranked(statements)
    # One statement shows the basis unchanged; then the answer is kept under the new version too.
    assert sum("search_term" in sql for sql in statements) == 1
    assert search(client, "bredbånd")[1] == []


def test_a_new_title_on_a_page_shown_ends_the_answer(shared_caching, client):
    first, _ = search(client, "Kjetil Helstad")
    assert first["results"][0]["urlPath"].startswith(INFRA)
    page = ThemePage.objects.get(url_path__endswith="/infrastruktur/")
    page.title = "Digital infrastruktur"
    page.save_revision().publish()
    again, statements = search(client, "Kjetil Helstad")
    assert ranked(statements)
    assert again["results"][0]["title"] == "Digital infrastruktur"


def test_an_unpublished_page_leaves_a_kept_answer_at_once(shared_caching, client):
    assert search(client, "Helstad")[0]["totalCount"] >= 1
    Page.objects.get(url_path__endswith="/infrastruktur/").unpublish()
    assert search(client, "Helstad")[0]["totalCount"] == 0


def test_a_page_that_gains_the_word_joins_a_kept_answer(shared_caching, client):
    first, _ = search(client, "bredbånd")
    other = page_without("bredb")
    other.title = f"{other.title} og bredbånd"
    other.save_revision().publish()
    again, statements = search(client, "bredbånd")
    assert ranked(statements)
    assert again["totalCount"] == first["totalCount"] + 1
    assert other.title in [hit["title"] for hit in again["results"]]


def test_a_counted_page_that_loses_the_word_leaves_the_count(shared_caching, client):
    page = page_without("tareskog")
    title = page.title
    page.title = f"{title} og tareskog"
    page.save_revision().publish()
    assert search(client, "tareskog")[0]["totalCount"] == 1
    page.title = title
    page.save_revision().publish()
    assert search(client, "tareskog")[0]["totalCount"] == 0


def test_a_new_synonym_ends_every_kept_answer(shared_caching, client):
    page = page_without("tareskog")
    page.title = f"{page.title} og tareskog"
    page.save_revision().publish()
    first, _ = search(client, "bredbånd")
    assert page.title not in [hit["title"] for hit in first["results"]]
    Synonym.objects.create(terms="bredbånd, tareskog")
    again, _ = search(client, "bredbånd")
    assert again["totalCount"] == first["totalCount"] + 1


def test_a_new_promotion_shows_in_a_kept_answer(shared_caching, client):
    assert search(client, "bredbånd")[0]["results"][0]["isPromoted"] is False
    pinned = Page.objects.get(url_path__endswith="/nasjonale-satsninger-og-programmer/")
    SearchPromotion.objects.create(query=Query.get("bredbånd"), page=pinned, sort_order=0)
    top = search(client, "bredbånd")[0]["results"][0]
    assert top["isPromoted"] is True
    assert top["title"] == pinned.title


def test_a_contact_person_unpublished_is_not_found_from_a_kept_answer(shared_caching, client):
    assert search(client, "Kjetil Helstad")[0]["totalCount"] >= 1
    ContactPerson.objects.get(name="Kjetil Helstad").unpublish()
    found, _ = search(client, "Kjetil Helstad")
    assert all("Helstad" not in hit["excerpt"] for hit in found["results"])


def test_an_answer_from_a_near_spelling_is_kept_for_its_version_only(shared_caching, client):
    first, _ = search(client, "bredbånnd")
    assert first["totalCount"] >= 1
    assert search(client, "bredbånnd")[1] == []
    other = page_without("bredb")
    other.title = f"{other.title} med havbruksnæring"
    other.save_revision().publish()
    again, statements = search(client, "bredbånnd")
    assert again == first
    assert ranked(statements)
