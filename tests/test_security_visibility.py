"""Nothing the published website hides is reachable through the API.

Each test creates one kind of hidden content, then asks every channel of the
API for it: root fields, lookups by id/slug/path, navigation fields, rich-text
links, related links and contact blocks.
"""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction, Site

from content_models.models import ContactPerson, HomePage, ThemePage, TopicPage

pytestmark = pytest.mark.django_db

SECRET = "Hemmelig side"

CRAWL = """
query Crawl($path: String, $id: ID, $slug: String) {
  pages(limit: 100) { title children { title } parent { title } breadcrumbs { title } }
  byPath: page(urlPath: $path) { title }
  byId: page(id: $id) { title }
  bySlug: page(slug: $slug) { title }
  topic: page(urlPath: "/attraktive-samfunn/") {
    children { title }
    ... on TopicPage { body { ...Body } }
  }
  themes: pages(contentType: "content_models.ThemePage", limit: 100) {
    title
    ... on ThemePage { body { ...Body } }
  }
  contactPeople { name }
}
fragment Body on BodyBlock {
  ... on SectionBlock { body }
  ... on RelatedLinksBlock { links { title url } }
  ... on ContactBlock { contacts { name } }
}
"""


def crawl(gql, page=None) -> str:
    variables = {"path": "/finnes-ikke/", "id": "0", "slug": "finnes-ikke"}
    if page is not None:
        variables = {"path": page.url_path.split("/", 2)[2] or "/", "id": str(page.pk), "slug": page.slug}
    response = gql(CRAWL, variables)
    assert "errors" not in response, response
    return json.dumps(response["data"], ensure_ascii=False)


def topic():
    return TopicPage.objects.get()


def add_theme(title=SECRET, parent=None, **fields):
    parent = parent or topic()
    page = parent.add_child(instance=ThemePage(title=title, slug=title.lower().replace(" ", "-"), **fields))
    page.save_revision().publish()
    return ThemePage.objects.get(pk=page.pk)


def link_from_public_page(target: Page):
    """Point a rich-text link and a related link on a public theme page at `target`."""
    theme = ThemePage.objects.get(slug="omstilling")
    body = theme.body.raw_data
    body.append(
        {
            "type": "section",
            "value": {"heading": "Lenke", "body": f'<p><a linktype="page" id="{target.pk}">Lenketekst</a></p>'},
            "id": "leak-section",
        }
    )
    body.append(
        {
            "type": "related_links",
            "value": {
                "heading": "Lenker",
                "links": [{"type": "item", "value": {"title": "", "page": target.pk}, "id": "x"}],
            },
            "id": "leak-links",
        }
    )
    theme.body = body
    theme.save_revision().publish()


def test_control_a_published_page_is_visible_everywhere(gql, demo):
    page = add_theme()
    link_from_public_page(page)
    data = crawl(gql, page)
    assert data.count(SECRET) >= 7
    assert '<a href=\\"/attraktive-samfunn/hemmelig-side/\\">Lenketekst</a>' in data


def test_unpublished_page(gql, demo):
    page = add_theme()
    page.unpublish()
    link_from_public_page(page)
    data = crawl(gql, page)
    assert SECRET not in data
    # The link text stays, the link does not.
    assert "<p>Lenketekst</p>" in data
    assert "hemmelig-side" not in data


def test_live_page_under_an_unpublished_parent(gql, demo):
    parent = topic()
    child = add_theme()
    parent.unpublish(set_expired=False)
    Page.objects.filter(pk=child.pk).update(live=True)
    assert crawl(gql, child).count(SECRET) == 0
    assert gql('{ page(urlPath: "/attraktive-samfunn/omstilling/") { title } }')["data"]["page"] is None


@pytest.mark.parametrize(
    "window",
    [
        {"expire_at": timezone.now() - timedelta(minutes=1)},
        {"go_live_at": timezone.now() + timedelta(days=1)},
        {"expired": True},
    ],
)
def test_expired_or_not_yet_live_page(gql, demo, window):
    page = add_theme()
    # As if the scheduler had not run yet: still flagged live.
    Page.objects.filter(pk=page.pk).update(live=True, **window)
    link_from_public_page(page)
    assert SECRET not in crawl(gql, page)


def test_draft_title_never_shows(gql, demo):
    page = add_theme(title="Publisert tittel")
    page.title = SECRET
    page.save_revision()
    data = crawl(gql, ThemePage.objects.get(pk=page.pk))
    assert SECRET not in data
    assert "Publisert tittel" in data


@pytest.mark.parametrize(
    "restriction",
    [
        {"restriction_type": PageViewRestriction.PASSWORD, "password": "hemmelig"},
        {"restriction_type": PageViewRestriction.LOGIN},
        {"restriction_type": PageViewRestriction.GROUPS},
    ],
)
def test_view_restricted_page_and_its_descendants(gql, demo, restriction):
    page = add_theme()
    item = PageViewRestriction.objects.create(page=page, **restriction)
    if restriction["restriction_type"] == PageViewRestriction.GROUPS:
        item.groups.add(Group.objects.get(name="Editors"))
    link_from_public_page(page)
    assert SECRET not in crawl(gql, page)


def test_restricted_ancestor_hides_descendants(gql, demo):
    PageViewRestriction.objects.create(page=topic(), restriction_type=PageViewRestriction.LOGIN)
    data = crawl(gql)
    for title in ("Attraktive samfunn", "Omstilling", "Infrastruktur"):
        assert title not in data


def test_other_sites_pages(gql, demo, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "annen.example"]
    root = Page.get_first_root_node()
    other_home = root.add_child(instance=HomePage(title="Annen kommune", slug="annen"))
    other_home.save_revision().publish()
    other_topic = other_home.add_child(instance=TopicPage(title="Annet tema", slug="annet"))
    other_topic.save_revision().publish()
    secret = other_topic.add_child(instance=ThemePage(title=SECRET, slug="hemmelig"))
    secret.save_revision().publish()
    Site.objects.create(hostname="annen.example", port=80, root_page=other_home)
    link_from_public_page(secret)
    data = crawl(gql, secret)
    assert SECRET not in data
    assert "Annen kommune" not in data
    # The same content is public on its own site.
    other = gql("{ pages { title } }", HTTP_HOST="annen.example")
    assert SECRET in json.dumps(other, ensure_ascii=False)


def test_unpublished_and_expired_contacts(gql, demo):
    ContactPerson.objects.filter(name="Kjetil Helstad").update(live=False)
    ContactPerson.objects.filter(name="Fredrik Dalsbøe").update(expire_at=timezone.now() - timedelta(hours=1))
    data = crawl(gql)
    assert "Kjetil Helstad" not in data
    assert "Fredrik Dalsbøe" not in data
    person = ContactPerson.objects.get(name="Kjetil Helstad")
    assert gql(f'{{ contactPerson(id: "{person.pk}") {{ name }} }}')["data"]["contactPerson"] is None


def test_contact_draft_changes_stay_private(gql, demo):
    person = ContactPerson.objects.get(name="Kjetil Helstad")
    person.phone = "+47 99 99 99 99"
    person.save_revision()
    assert "99 99 99 99" not in crawl(gql)


def test_documents_in_restricted_collections(gql, demo):
    Document = get_document_model()
    parent = Collection.get_first_root_node().add_child(name="Intern")
    child = parent.add_child(name="Intern / underkatalog")
    CollectionViewRestriction.objects.create(collection=parent, restriction_type=CollectionViewRestriction.LOGIN)
    secret_doc = Document.objects.create(title=SECRET, collection=child, file=ContentFile(b"x", name="hemmelig.pdf"))
    public_doc = Document.objects.create(title="Offentlig dokument", file=ContentFile(b"x", name="offentlig.pdf"))
    theme = ThemePage.objects.get(slug="omstilling")
    body = theme.body.raw_data
    links = [
        {"type": "item", "value": {"title": "", "document": d.pk}, "id": str(d.pk)} for d in (secret_doc, public_doc)
    ]
    body.append({"type": "related_links", "value": {"heading": "Dokumenter", "links": links}, "id": "docs"})
    body.append(
        {
            "type": "section",
            "value": {"heading": "Dok", "body": f'<p><a linktype="document" id="{secret_doc.pk}">Lenketekst</a></p>'},
            "id": "doc-section",
        }
    )
    theme.body = body
    theme.save_revision().publish()
    data = crawl(gql)
    assert SECRET not in data
    assert "hemmelig.pdf" not in data
    assert "Offentlig dokument" in data
    assert "<p>Lenketekst</p>" in data


def test_visible_ids_of_hidden_pages_give_null_not_errors(gql, demo):
    page = add_theme()
    page.unpublish()
    response = gql(f'{{ page(id: "{page.pk}") {{ title }} }}')
    assert response == {"data": {"page": None}}


def test_tree_root_and_wagtail_internals_are_unreachable(gql, demo):
    root = Page.get_first_root_node()
    assert gql(f'{{ page(id: "{root.pk}") {{ title }} }}')["data"]["page"] is None
    home = gql('{ page(urlPath: "/") { parent { title } } }')["data"]["page"]
    assert home == {"parent": None}


def test_deep_trees_are_checked_at_every_level(demo):
    from publishing.visibility import public_pages

    site = Site.objects.get(is_default_site=True)
    parent = site.root_page
    chain = []
    for level in range(20):
        parent = parent.add_child(instance=Page(title=f"Nivå {level}", slug=f"niva-{level}", live=True))
        chain.append(parent)
    deepest = chain[-1]
    assert deepest.depth == 22
    assert public_pages(site).filter(pk=deepest.pk).exists()
    # Unpublish the parent of the deepest page, then an ancestor high up.
    Page.objects.filter(pk=chain[-2].pk).update(live=False)
    assert not public_pages(site).filter(pk=deepest.pk).exists()
    Page.objects.filter(pk=chain[-2].pk).update(live=True)
    Page.objects.filter(pk=chain[2].pk).update(live=False)
    assert not public_pages(site).filter(pk=deepest.pk).exists()
    assert public_pages(site).filter(pk=chain[1].pk).exists()


def test_expired_contact_leaves_page_html_and_search_text_before_the_scheduler_runs(client, demo):
    person = ContactPerson.objects.get(name="Fredrik Dalsbøe")
    ContactPerson.objects.filter(pk=person.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    page = ThemePage.objects.get(slug="infrastruktur")
    assert "Dalsbøe" not in page.contact_text()
    assert "Kjetil Helstad" in page.contact_text()
    assert "Dalsbøe" not in client.get("/attraktive-samfunn/infrastruktur/").content.decode()
