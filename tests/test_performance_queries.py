"""SQL query counts stay constant however much content a response holds.

Counted as real requests read (from the stored public form, outside the test's
transaction rules: `shared_caching`) and cold, as the first request after a
publish is: nothing kept in the process, the content version read afresh.
One warm-up request first: Django caches ContentType rows per process, so only
the first request a worker ever serves looks them up.
"""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model
from wagtail.models import Page

from api import documents
from api.queries import PAGE_BY_ID, PAGE_FIELDS
from content_models.management.commands.generate_bench_content import generate
from content_models.management.commands.generate_bench_content import remove as remove_generated
from content_models.models import ContactPerson, ThemePage, TopicPage
from publishing import reader, store, version

from .bodies import item

FULL_PAGE = PAGE_BY_ID
PAGE_LIST = (
    "query Themes($limit: Int!, $offset: Int!) {"
    ' pages(contentType: "content_models.ThemePage", limit: $limit, offset: $offset) {' + PAGE_FIELDS + "} }"
)
MAX_QUERIES_FULL_PAGE = 8


def _block(kind, value):
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def make_theme_page(blocks: int) -> ThemePage:
    """A published theme page whose blocks link to pages, documents and contact people."""
    topic = TopicPage.objects.get(slug="attraktive-samfunn")
    themes = list(ThemePage.objects.child_of(topic).values_list("pk", flat=True))
    people = list(ContactPerson.objects.values_list("pk", flat=True))
    document = get_document_model().objects.create(
        title=f"Rapport {uuid.uuid4().hex[:6]}", file=ContentFile(b"rapport", name="rapport.pdf")
    )
    kinds = ["section", "related_links", "contacts"]
    body = []
    for number in range(blocks):
        target = themes[number % len(themes)]
        kind = kinds[number % 3]
        if kind == "section":
            text = (
                f'<p>Se <a linktype="page" id="{target}">temaet</a> og '
                f'<a linktype="document" id="{document.pk}">rapporten</a>.</p>'
            )
            body.append(_block("section", {"heading": f"Seksjon {number}", "body": text}))
        elif kind == "related_links":
            links = [
                item({"title": "", "page": target, "document": None, "url": ""}),
                item({"title": "", "page": None, "document": document.pk, "url": ""}),
                item({"title": "Regjeringen", "page": None, "document": None, "url": "https://www.regjeringen.no/"}),
            ]
            body.append(_block("related_links", {"heading": "Relevante lenker", "links": links}))
        else:
            chosen = [item(pk) for pk in people[number % len(people) :][:2] or people[:1]]
            body.append(_block("contacts", {"heading": "Ta kontakt", "intro": "", "contacts": chosen}))
    page = topic.add_child(instance=ThemePage(title=f"Side med {blocks} blokker", slug=f"blokker-{blocks}", body=body))
    page.save_revision().publish()
    return page


def count_queries(gql, query, variables) -> tuple[int, dict]:
    gql(query, variables)  # warm-up: per-process caches, see the module docstring
    # Cold, as right after a publish.
    reader.clear_memo()
    version._forget_lease()
    with CaptureQueriesContext(connection) as queries:
        result = gql(query, variables)
    assert "errors" not in result, result
    return len(queries.captured_queries), result["data"]


@pytest.fixture
def stored(shared_caching):
    """Reads from the stored public form, as outside a transaction."""


def test_full_theme_page_costs_the_same_few_queries_with_1_or_50_blocks(stored, gql):
    one = make_theme_page(1)
    fifty = make_theme_page(50)

    count_one, data_one = count_queries(gql, FULL_PAGE, {"id": str(one.pk)})
    count_fifty, data_fifty = count_queries(gql, FULL_PAGE, {"id": str(fifty.pk)})

    assert len(data_one["page"]["body"]) == 1
    assert len(data_fifty["page"]["body"]) == 50
    # The content really was resolved: links, documents and people.
    section = data_one["page"]["body"][0]["body"]
    assert 'href="/attraktive-samfunn/' in section
    assert 'href="http://testserver/documents/' in section
    assert any(block["blockType"] == "contacts" and block["contacts"] for block in data_fifty["page"]["body"])
    # content version, site, the next scheduled change (children lists are kept until then), the page
    # with its children in one statement, its ancestors
    assert count_one == 5
    assert count_fifty == 5
    assert count_fifty <= MAX_QUERIES_FULL_PAGE


def test_demo_theme_page_with_contacts_within_budget(stored, gql):
    page = Page.objects.get(slug="infrastruktur")
    count, data = count_queries(gql, FULL_PAGE, {"id": str(page.pk)})
    assert data["page"]["breadcrumbs"][-1]["urlPath"] == "/attraktive-samfunn/"
    assert count <= MAX_QUERIES_FULL_PAGE


def test_list_of_pages_costs_the_same_for_1_10_and_100_pages(stored, gql):
    generate(100, sections=3)
    store.rebuild()
    demo_themes = ThemePage.objects.count() - 100
    counts = {}
    for size in (1, 10, 100):
        counts[size], data = count_queries(gql, PAGE_LIST, {"limit": size, "offset": demo_themes})
        pages = data["pages"]
        assert len(pages) == size
        assert all(len(page["body"]) == 5 and page["breadcrumbs"] for page in pages)
        assert any(link["url"].startswith("/") for page in pages for link in page["body"][3]["links"])
    # content version, site, the next scheduled change (lists are kept until then), the pages,
    # their ancestors, their children
    assert counts == {1: 6, 10: 6, 100: 6}


def test_repeated_query_skips_parse_and_validation(db, gql):
    query = "query Repeat { organisation { name } }"
    gql(query)
    before = documents.cache_info()
    gql(query)
    after = documents.cache_info()
    assert after.hits == before.hits + 1
    assert after.misses == before.misses


@pytest.mark.django_db
def test_generated_bench_pages_are_a_valid_public_tree_and_removable(demo, gql):
    ids = generate(7, sections=2)
    assert ThemePage.objects.filter(pk__in=ids, live=True).count() == 7
    # treebeard's own consistency check: paths, depths and child counts all agree.
    assert all(problems == [] for problems in Page.find_problems())
    data = gql("query P($id: ID!) { page(id: $id) { urlPath breadcrumbs { title } } }", {"id": str(ids[0])})
    assert data["data"]["page"]["urlPath"].startswith("/ytelsestest-")
    assert len(data["data"]["page"]["breadcrumbs"]) == 2

    assert remove_generated() == 8
    assert not Page.objects.filter(pk__in=ids).exists()
    assert all(problems == [] for problems in Page.find_problems())


CHILDREN_THROUGH_FRAGMENTS = """
query Topic($path: String!, $skip: Int!) {
  page(urlPath: $path) {
    title
    ...Navigation
    ... on TopicPage { rest: children(offset: $skip, limit: 10) { title } }
  }
}
fragment Navigation on PageInterface { first: children(limit: 2) { title urlPath } }
"""


def test_children_asked_for_through_aliases_and_fragments_come_with_the_page(stored, gql):
    variables = {"path": "/attraktive-samfunn/", "skip": 2}
    count, data = count_queries(gql, CHILDREN_THROUGH_FRAGMENTS, variables)
    titles = [child.title for child in ThemePage.objects.live().order_by("path")]
    assert [child["title"] for child in data["page"]["first"]] == titles[:2]
    assert [child["title"] for child in data["page"]["rest"]] == titles[2:]
    # content version, site, the next scheduled change, the page with its children
    assert count == 4


def test_children_with_arguments_out_of_range_are_the_clients_error(stored, gql):
    result = gql('{ page(urlPath: "/attraktive-samfunn/") { title children(limit: 0) { title } } }')
    assert result["data"] is None or result["data"]["page"] is None
    assert "`limit` must be between 1 and 100" in result["errors"][0]["message"]
