"""The API contract frontends rely on, asserted against the loaded Troms content."""

import json

import pytest
from django.conf import settings
from graphql import print_schema

from api.queries import PAGE_BY_PATH
from api.schema import schema
from content_models.models import ContactPerson, OrganisationSettings, ThemePage

from .seed import THEMES

pytestmark = pytest.mark.django_db

THEME_QUERY = PAGE_BY_PATH

EXPECTED_CONTACTS = {
    "Omstilling": [
        ("Kristian Figenschau", "omstilling og samfunnsutvikling"),
        ("Rune Eliassen", "samfunnsutvikling"),
        ("Vigdis A. Nilsen", "samfunnsutvikling"),
    ],
    "Næringsutvikling og kompetanse": [("Kristine Østrem Nordal", "avdelingsleder")],
    "Infrastruktur": [("Kjetil Helstad", "bredbånd"), ("Fredrik Dalsbøe", "dagligvarestøtte")],
    "Nasjonale satsninger og programmer": [],
}
EXPECTED_SECTIONS = {
    "Omstilling": ["Omstillingsprogrammet", "Tromsvekstavtaler"],
    "Næringsutvikling og kompetanse": ["Kompetanse", "BIO-midler"],
    "Infrastruktur": ["Bredbånd", "Støtte til dagligvarebutikker i utkantstrøk"],
    "Nasjonale satsninger og programmer": [
        "Regionvekstavtaler",
        "Bygdevekstavtaler",
        "GNIST",
        "Det nasjonale veikartet for smarte og bærekraftige byer og lokalsamfunn",
    ],
}
PATHS = {
    "Omstilling": "/attraktive-samfunn/omstilling/",
    "Næringsutvikling og kompetanse": "/attraktive-samfunn/naringsutvikling-og-kompetanse/",
    "Infrastruktur": "/attraktive-samfunn/infrastruktur/",
    "Nasjonale satsninger og programmer": "/attraktive-samfunn/nasjonale-satsninger-og-programmer/",
}


@pytest.mark.parametrize("title", THEMES)
def test_theme_page_full_contract(gql, demo, title):
    page = gql(THEME_QUERY, {"path": PATHS[title]})["data"]["page"]
    model = ThemePage.objects.get(title=title)
    assert page["id"] == str(model.pk)
    assert page["title"] == title
    assert page["seoTitle"] == title
    assert page["searchDescription"] == ""
    assert page["urlPath"] == PATHS[title]
    assert page["url"] == "http://localhost" + PATHS[title]
    assert page["pageType"] == "ThemePage"
    assert page["lastPublishedAt"].startswith(model.last_published_at.isoformat()[:19])
    assert page["parent"] == {
        "id": str(model.get_parent().pk),
        "title": "Attraktive samfunn",
        "urlPath": "/attraktive-samfunn/",
    }
    assert page["slug"] == model.slug
    assert page["children"] == []
    assert page["breadcrumbs"] == [
        {"title": "Troms fylkeskommune", "url": "http://localhost/", "urlPath": "/"},
        {
            "title": "Attraktive samfunn",
            "url": "http://localhost/attraktive-samfunn/",
            "urlPath": "/attraktive-samfunn/",
        },
    ]
    sections = [b for b in page["body"] if b["blockType"] == "section"]
    assert [s["heading"] for s in sections] == EXPECTED_SECTIONS[title]
    assert all(s["body"].startswith("<p>") for s in sections)
    assert len({s["anchor"] for s in sections}) == len(sections)
    assert len({b["id"] for b in page["body"]}) == len(page["body"])
    links = [b for b in page["body"] if b["blockType"] == "related_links"]
    assert [b["heading"] for b in links] == ["Relevante lenker"]
    contact_blocks = [b for b in page["body"] if b["blockType"] == "contacts"]
    people = [(c["name"], c["responsibility"]) for b in contact_blocks for c in b["contacts"]]
    assert people == EXPECTED_CONTACTS[title]
    for block in contact_blocks:
        assert block["heading"] == "Ta kontakt med oss"
        assert block["intro"].endswith("kontakt med:")


def test_section_anchor_and_html(gql, demo):
    body = gql(THEME_QUERY, {"path": "/attraktive-samfunn/infrastruktur/"})["data"]["page"]["body"]
    assert body[0]["anchor"] == "bredband"
    assert body[1]["anchor"] == "stotte-til-dagligvarebutikker-i-utkantstrok"
    assert "<p>Vi forvalter tilskudd som skal bidra til utbygging av bredbånd" in body[0]["body"]


def test_topic_page_lists_themes_for_navigation(gql, demo):
    page = gql(
        """{ page(urlPath: "/attraktive-samfunn/") {
              title pageType urlPath breadcrumbs { title urlPath }
              children { title urlPath pageType }
              ... on TopicPage { intro body { blockType } } } }"""
    )["data"]["page"]
    assert page["title"] == "Attraktive samfunn"
    assert page["pageType"] == "TopicPage"
    assert page["intro"].startswith("Fylkeskommunen jobber for at Troms")
    assert page["breadcrumbs"] == [{"title": "Troms fylkeskommune", "urlPath": "/"}]
    assert [c["title"] for c in page["children"]] == THEMES
    assert [c["urlPath"] for c in page["children"]] == [PATHS[t] for t in THEMES]
    assert {c["pageType"] for c in page["children"]} == {"ThemePage"}


def test_home_page_by_path_and_lookup_by_id_and_slug(gql, demo):
    data = gql(
        """query($id: ID) { home: page(urlPath: "/") { title parent { title } breadcrumbs { title } }
             byId: page(id: $id) { title } bySlug: page(slug: "infrastruktur") { urlPath }
             inSite: page(urlPath: "attraktive-samfunn/omstilling", inSite: true) { title } }""",
        {"id": str(ThemePage.objects.get(title="GNIST" if False else "Omstilling").pk)},
    )["data"]
    assert data["home"] == {"title": "Troms fylkeskommune", "parent": None, "breadcrumbs": []}
    assert data["byId"] == {"title": "Omstilling"}
    assert data["bySlug"] == {"urlPath": "/attraktive-samfunn/infrastruktur/"}
    assert data["inSite"] == {"title": "Omstilling"}


@pytest.mark.parametrize("path", ["/finnes-ikke/", "/attraktive-samfunn/omstilling/mer/", "", "//", "/%00/"])
def test_unknown_path_is_null_not_an_error(gql, demo, path):
    response = gql("query($p: String) { page(urlPath: $p) { title } }", {"p": path})
    assert "errors" not in response
    if path.strip("/"):
        assert response["data"]["page"] is None


def test_paths_as_browsers_send_them(gql, demo, settings):
    page = ThemePage.objects.get(slug="infrastruktur")
    page.slug = "infrastruktur-og-bredbånd"
    page.save_revision().publish()
    for path in ("/attraktive-samfunn/infrastruktur-og-bredb%C3%A5nd/", "attraktive-samfunn/infrastruktur-og-bredbånd"):
        assert gql("query($p: String) { page(urlPath: $p) { title } }", {"p": path})["data"]["page"] == {
            "title": "Infrastruktur"
        }


def test_content_type_by_model_name(gql, demo):
    assert len(gql('{ pages(contentType: "ThemePage") { title } }')["data"]["pages"]) == 4


def test_pages_in_tree_order_with_limit_and_offset(gql, demo):
    query = (
        'query($l: Int, $o: Int) { pages(contentType: "content_models.ThemePage", limit: $l, offset: $o) { title } }'
    )
    assert [p["title"] for p in gql(query, {"l": 10, "o": 0})["data"]["pages"]] == THEMES
    assert [p["title"] for p in gql(query, {"l": 2, "o": 1})["data"]["pages"]] == THEMES[1:3]
    all_pages = gql("{ pages { title pageType } }")["data"]["pages"]
    assert [p["pageType"] for p in all_pages] == ["HomePage", "TopicPage", *["ThemePage"] * 4]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ('contentType: "wagtailcore.Page"', "Unknown `contentType`"),
        ('contentType: "auth.User"', "Unknown `contentType`"),
        ("limit: 0", "`limit` must be between 1 and 100"),
        ("limit: 101", "`limit` must be between 1 and 100"),
        ("offset: -1", "`offset` must be between 0 and 10000, got -1"),
    ],
)
def test_pages_rejects_bad_arguments_clearly(gql, demo, arguments, message):
    response = gql(f"{{ pages({arguments}) {{ title }} }}")
    assert message in response["errors"][0]["message"]
    assert response["data"] is None


def test_contact_people_in_name_order_and_by_id(gql, demo):
    people = gql("{ contactPeople { id name jobTitle responsibility email phone } }")["data"]["contactPeople"]
    names = [p["name"] for p in people]
    assert names == sorted(names)
    assert len(people) == 6
    kjetil = next(p for p in people if p["name"] == "Kjetil Helstad")
    assert kjetil["responsibility"] == "bredbånd"
    one = gql("query($id: ID!) { contactPerson(id: $id) { name } }", {"id": kjetil["id"]})
    assert one["data"]["contactPerson"] == {"name": "Kjetil Helstad"}
    assert gql('{ contactPerson(id: "999999") { name } }')["data"]["contactPerson"] is None
    assert gql('{ contactPerson(id: "abc") { name } }')["data"]["contactPerson"] is None


def test_organisation(gql, demo):
    settings_row = OrganisationSettings.objects.get()
    settings_row.switchboard_phone = "+47 00 00 00 00"
    settings_row.save()
    organisation = gql("{ organisation { name switchboardPhone postalAddress email accessibilityStatementUrl } }")[
        "data"
    ]["organisation"]
    assert organisation == {
        "name": "Troms fylkeskommune",
        "switchboardPhone": "+47 00 00 00 00",
        "postalAddress": "",
        "email": "",
        "accessibilityStatementUrl": "",
    }


def test_unpublished_contact_is_left_out_of_blocks_and_lists(gql, demo):
    ContactPerson.objects.filter(name="Kjetil Helstad").update(live=False)
    body = gql(THEME_QUERY, {"path": "/attraktive-samfunn/infrastruktur/"})["data"]["page"]["body"]
    contacts = next(b for b in body if b["blockType"] == "contacts")["contacts"]
    assert [c["name"] for c in contacts] == ["Fredrik Dalsbøe"]
    names = [p["name"] for p in gql("{ contactPeople { name } }")["data"]["contactPeople"]]
    assert "Kjetil Helstad" not in names


def test_every_field_and_type_is_described():
    undocumented = []
    for name, graphql_type in schema.graphql_schema.type_map.items():
        if name.startswith("__") or name in {"String", "Boolean", "Int", "ID", "Float", "DateTime"}:
            continue
        if not graphql_type.description:
            undocumented.append(name)
        for field_name, field in getattr(graphql_type, "fields", {}).items():
            if not field.description:
                undocumented.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    undocumented.append(f"{name}.{field_name}({arg_name})")
    assert undocumented == []


def test_committed_schema_file_matches_the_live_schema():
    committed = (settings.BASE_DIR / "schema.graphql").read_text().rstrip("\n")
    assert committed == print_schema(schema.graphql_schema), "run `make schema` and commit schema.graphql"


def test_no_internal_fields_in_the_schema():
    text = print_schema(schema.graphql_schema)
    for field in ("draftTitle", "locked", "owner", "latestRevision", "hasUnpublishedChanges", "live:", "rawValue"):
        assert field not in text


def documented_examples(path: str) -> list[tuple[str, dict]]:
    """Each ```graphql block of a document with the ```json block after it: a query and its shown output."""
    text = (settings.BASE_DIR / path).read_text()
    examples = []
    for block in text.split("```graphql")[1:]:
        query, rest = block.split("```", 1)
        examples.append((query, json.loads(rest.split("```json", 1)[1].split("```", 1)[0])))
    return examples


@pytest.mark.parametrize(("path", "count"), [("README.md", 1), ("docs/api.md", 2)])
def test_documented_examples_show_their_real_output(gql, demo, path, count):
    examples = documented_examples(path)
    assert len(examples) == count
    for query, shown in examples:
        assert gql(query) == shown
