"""Every kind of hidden content, on every channel, on both read paths.

Each case hides content the way editors and time do it (publishing actions
and saves, never raw database updates), then reads it back:

- through the GraphQL API (root fields, lookups, navigation, bodies);
- through the HTML site (the page's own URL, the topic's navigation, the page
  that links to it);

once as real requests read (the stored public form) and once as reads inside
a transaction do (records made from the rule on the spot). Both must show
exactly the public content, and the HTML site must 404 what the API hides,
or ask for the password or a login where Wagtail's restrictions apply.
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
from publishing import store

from .bodies import add_blocks, link_to, related_links, section

SECRET = "Hemmelig side"
SECRET_PATH = "/attraktive-samfunn/hemmelig-side/"

CRAWL = """
query Crawl($path: String, $id: ID, $slug: String) {
  pages(limit: 100) { title children { title } parent { title } breadcrumbs { title } }
  byPath: page(urlPath: $path) { title }
  byId: page(id: $id) { title }
  bySlug: page(slug: $slug) { title }
  topic: page(urlPath: "/attraktive-samfunn/") { children { title } ... on TopicPage { body { ...Body } } }
  themes: pages(contentType: "content_models.ThemePage", limit: 100) { title ... on ThemePage { body { ...Body } } }
  contactPeople { name }
}
fragment Body on BodyBlock {
  ... on SectionBlock { body }
  ... on RelatedLinksBlock { links { title url } }
  ... on ContactBlock { contacts { name } }
}
"""


@pytest.fixture(params=["stored", "made-on-the-spot"])
def reads(request, demo, empty_caches, monkeypatch):
    """Which read path requests take: the stored form (as outside transactions) or the rule itself."""
    if request.param == "stored":
        from publishing import version

        monkeypatch.setattr(version, "caching_allowed", lambda: True)
    return request.param


def topic():
    return TopicPage.objects.get()


def add_theme(title=SECRET, parent=None, **fields):
    parent = parent or topic()
    page = parent.add_child(instance=ThemePage(title=title, slug=title.lower().replace(" ", "-"), **fields))
    page.save_revision().publish()
    return ThemePage.objects.get(pk=page.pk)


def link_from_public_page(target: Page):
    """A rich-text link and a related link on a public theme page, pointing at `target`."""
    theme = ThemePage.objects.get(slug="omstilling")
    add_blocks(theme, section("Lenke", link_to(target, "Lenketekst")), related_links("Lenker", pages=[target]))


def api(client, page=None, **headers) -> str:
    variables = {"path": "/finnes-ikke/", "id": "0", "slug": "finnes-ikke"}
    if page is not None:
        variables = {"path": page.url_path.split("/", 2)[2] or "/", "id": str(page.pk), "slug": page.slug}
    response = client.post(
        "/graphql/", json.dumps({"query": CRAWL, "variables": variables}), content_type="application/json", **headers
    )
    body = response.json()
    assert "errors" not in body, body
    return json.dumps(body["data"], ensure_ascii=False)


def html(client, path: str, **headers):
    response = client.get(path, **headers)
    return response.status_code, response.content.decode()


def html_crawl(client, **headers) -> str:
    """What would show a hidden page: the topic's navigation, the page linking to it and the sitemap."""
    pages = []
    paths = ("/", "/attraktive-samfunn/", "/attraktive-samfunn/omstilling/", "/attraktive-samfunn/infrastruktur/")
    for path in (*paths, "/sitemap.xml"):
        status, text = html(client, path, **headers)
        assert status == 200, path
        pages.append(text)
    return "\n".join(pages)


def assert_hidden_everywhere(client, page, *, secret=SECRET, path=SECRET_PATH):
    assert secret not in api(client, page)
    crawled = html_crawl(client)
    assert secret not in crawled
    assert path not in crawled
    assert html(client, path)[0] == 404


def test_control_a_published_page_shows_everywhere(client, reads):
    page = add_theme()
    link_from_public_page(page)
    assert api(client, page).count(SECRET) >= 7
    status, text = html(client, SECRET_PATH)
    assert status == 200
    assert SECRET in text
    crawled = html_crawl(client)
    # Navigation and related links carry Designsystemet's class; rich text stays as editors wrote it.
    assert f'<a class="ds-link" href="{SECRET_PATH}">{SECRET}</a>' in crawled
    assert f'<a href="{SECRET_PATH}">Lenketekst</a>' in crawled
    assert f"<loc>http://localhost{SECRET_PATH}</loc>" in crawled


def test_unpublished_page(client, reads):
    page = add_theme()
    link_from_public_page(page)
    page.unpublish()
    assert_hidden_everywhere(client, page)
    assert "<p>Lenketekst</p>" in html_crawl(client)


def test_live_page_under_an_unpublished_parent(client, reads):
    parent = add_theme(title="Forelder")
    child = add_theme(parent=parent)
    link_from_public_page(child)
    # Wagtail unpublishes the page only: its child stays live, and must still be hidden.
    parent.unpublish()
    assert Page.objects.get(pk=child.pk).live
    assert_hidden_everywhere(client, child, path="/attraktive-samfunn/forelder/hemmelig-side/")


@pytest.mark.parametrize(
    "window",
    [
        {"expire_at": timezone.now() - timedelta(minutes=1)},
        {"go_live_at": timezone.now() + timedelta(days=1)},
        {"expired": True},
    ],
)
def test_page_past_its_expiry_or_before_its_go_live_that_the_scheduler_has_not_seen(client, reads, window):
    page = add_theme()
    link_from_public_page(page)
    for name, value in window.items():
        setattr(page, name, value)
    page.save()
    assert Page.objects.get(pk=page.pk).live
    assert_hidden_everywhere(client, page)


def test_draft_title_never_shows(client, reads):
    page = add_theme(title="Publisert tittel")
    link_from_public_page(page)
    page.title = SECRET
    page.save_revision()
    assert SECRET not in api(client, ThemePage.objects.get(pk=page.pk))
    assert SECRET not in html_crawl(client)
    status, text = html(client, "/attraktive-samfunn/publisert-tittel/")
    assert status == 200
    assert SECRET not in text


@pytest.mark.parametrize(
    "restriction",
    [
        {"restriction_type": PageViewRestriction.PASSWORD, "password": "hemmelig"},
        {"restriction_type": PageViewRestriction.LOGIN},
        {"restriction_type": PageViewRestriction.GROUPS},
    ],
)
def test_restricted_page_asks_for_the_password_or_a_login_and_shows_nothing(client, reads, restriction):
    page = add_theme(intro="Innhold bak passord")
    child = add_theme(title="Underside", parent=page)
    item = PageViewRestriction.objects.create(page=page, **restriction)
    if restriction["restriction_type"] == PageViewRestriction.GROUPS:
        item.groups.add(Group.objects.get(name="Editors"))
    link_from_public_page(page)
    assert SECRET not in api(client, page)
    assert "Underside" not in api(client, child)
    assert SECRET not in html_crawl(client)
    for path in (SECRET_PATH, SECRET_PATH + "underside/"):
        status, text = html(client, path)
        assert "Innhold bak passord" not in text
        if restriction["restriction_type"] == PageViewRestriction.PASSWORD:
            assert status == 200
            assert 'name="password"' in text
        else:
            assert status == 302
            assert "login" in html_location(client, path)


def html_location(client, path):
    return client.get(path)["Location"]


def test_the_right_password_shows_the_page_on_the_html_site_only(client, reads):
    page = add_theme(intro="Innhold bak passord")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig"
    )
    response = client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
        {"password": "hemmelig", "return_url": SECRET_PATH},
    )
    assert response.status_code == 302
    status, text = html(client, SECRET_PATH)
    assert status == 200
    assert "Innhold bak passord" in text
    # The API is anonymous: a session that passed the form changes nothing there.
    assert SECRET not in api(client, page)


def test_alias_of_a_restricted_page_asks_for_the_original_password(client, reads):
    original = add_theme(intro="Innhold bak passord")
    PageViewRestriction.objects.create(page=original, restriction_type=PageViewRestriction.PASSWORD, password="x")
    alias = original.create_alias(update_slug="kopi")
    assert Page.objects.get(pk=alias.pk).live
    assert SECRET not in api(client, alias)
    status, text = html(client, "/attraktive-samfunn/kopi/")
    assert status == 200
    assert 'name="password"' in text
    assert "Innhold bak passord" not in text


def test_other_sites_pages(client, reads, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "annen.example"]
    other_home = Page.get_first_root_node().add_child(instance=HomePage(title="Annen kommune", slug="annen"))
    other_home.save_revision().publish()
    other_topic = other_home.add_child(instance=TopicPage(title="Annet tema", slug="annet"))
    other_topic.save_revision().publish()
    secret = other_topic.add_child(instance=ThemePage(title=SECRET, slug="hemmelig"))
    secret.save_revision().publish()
    Site.objects.create(hostname="annen.example", port=80, root_page=other_home)
    link_from_public_page(secret)
    assert SECRET not in api(client, secret)
    crawled = html_crawl(client)
    assert SECRET not in crawled
    assert "/annet/" not in crawled
    assert html(client, "/annet/hemmelig/")[0] == 404
    # The same content is public on its own site, and only there.
    assert SECRET in api(client, secret, HTTP_HOST="annen.example")
    assert SECRET in html(client, "/annet/hemmelig/", HTTP_HOST="annen.example")[1]
    other_sitemap = html(client, "/sitemap.xml", HTTP_HOST="annen.example")[1]
    assert "<loc>http://annen.example/annet/hemmelig/</loc>" in other_sitemap
    assert "omstilling" not in other_sitemap


def test_unpublished_and_expired_contacts(client, reads):
    ContactPerson.objects.get(name="Kjetil Helstad").unpublish()
    person = ContactPerson.objects.get(name="Fredrik Dalsbøe")
    person.expire_at = timezone.now() - timedelta(hours=1)
    person.save()
    for text in (api(client), html_crawl(client)):
        assert "Kjetil Helstad" not in text
        assert "Fredrik Dalsbøe" not in text


def test_contact_draft_changes_stay_private(client, reads):
    person = ContactPerson.objects.get(name="Kjetil Helstad")
    person.phone = "+47 99 99 99 99"
    person.save_revision()
    assert "99 99 99 99" not in api(client)
    assert "99 99 99 99" not in html_crawl(client)


def test_documents_in_restricted_collections(client, reads):
    parent = Collection.get_first_root_node().add_child(name="Intern")
    child = parent.add_child(name="Intern / underkatalog")
    CollectionViewRestriction.objects.create(collection=parent, restriction_type=CollectionViewRestriction.LOGIN)
    Document = get_document_model()
    secret_doc = Document.objects.create(title=SECRET, collection=child, file=ContentFile(b"x", name="hemmelig.pdf"))
    add_blocks(
        ThemePage.objects.get(slug="omstilling"),
        related_links("Dokumenter", documents=[secret_doc]),
        section("Dok", link_to(secret_doc, "Lenketekst", "document")),
    )
    for text in (api(client), html_crawl(client)):
        assert SECRET not in text
        assert "hemmelig.pdf" not in text
        assert "<p>Lenketekst</p>" in text


def test_restricted_ancestor_hides_its_whole_branch(client, reads):
    PageViewRestriction.objects.create(page=topic(), restriction_type=PageViewRestriction.LOGIN)
    data = api(client)
    for title in ("Attraktive samfunn", "Omstilling", "Infrastruktur"):
        assert title not in data
    assert html(client, "/attraktive-samfunn/omstilling/")[0] == 302


def test_ids_of_hidden_pages_give_null_not_errors(client, reads):
    page = add_theme()
    page.unpublish()
    query = f'{{ page(id: "{page.pk}") {{ title }} }}'
    assert client.post("/graphql/", {"query": query}, content_type="application/json").json() == {
        "data": {"page": None}
    }


def test_tree_root_and_the_home_pages_parent_are_unreachable(client, reads):
    query = f'{{ root: page(id: "{Page.get_first_root_node().pk}") {{ title }} home: page(urlPath: "/") {{ parent {{ title }} }} }}'
    answer = client.post("/graphql/", {"query": query}, content_type="application/json").json()
    assert answer == {"data": {"root": None, "home": {"parent": None}}}


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


def test_expired_contact_leaves_page_html_and_search_text_before_the_scheduler_runs(client, reads):
    person = ContactPerson.objects.get(name="Fredrik Dalsbøe")
    person.expire_at = timezone.now() - timedelta(minutes=1)
    person.save()
    assert ContactPerson.objects.get(pk=person.pk).live
    page = ThemePage.objects.get(slug="infrastruktur")
    assert "Dalsbøe" not in page.contact_text()
    assert "Kjetil Helstad" in page.contact_text()
    assert "Dalsbøe" not in html(client, "/attraktive-samfunn/infrastruktur/")[1]


def test_the_store_agrees_with_the_rule_after_all_of_it(client, demo):
    """The consistency check holds after every kind of change above, made one after another."""
    site = Site.objects.get(is_default_site=True)
    page = add_theme()
    link_from_public_page(page)
    parent = add_theme(title="Forelder")
    add_theme(parent=parent, title="Barn")
    parent.unpublish()
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    page.create_alias(update_slug="kopi")
    ContactPerson.objects.get(name="Kjetil Helstad").unpublish()
    ThemePage.objects.get(slug="infrastruktur").move(topic(), pos="first-child")
    assert store.check(site) == []
