"""Visibility edge cases a hostile review found: changes made without the usual signals, and stale caches."""

import json
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published

from content_models.models import ContactPerson, ThemePage, TopicPage
from publishing import store
from publishing.models import PendingChange
from search.models import IndexedPage

from .bodies import add_blocks, related_links

NO_WORKER = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


@pytest.fixture
def no_worker(settings):
    """Tasks are queued and never run: the worker is down or behind."""
    settings.TASKS = NO_WORKER


def search(gql, query):
    found = gql("query($q: String!) { siteSearch(query: $q) { totalCount results { title excerpt } } }", {"q": query})
    assert "errors" not in found, found
    return json.dumps(found["data"], ensure_ascii=False)


@pytest.mark.parametrize("change", ["unpublish", "delete"])
def test_a_contact_taken_down_leaves_search_before_the_worker_runs(gql, client, demo, empty_caches, no_worker, change):
    person = ContactPerson.objects.get(name="Kjetil Helstad")
    assert "Helstad" in search(gql, "Kjetil Helstad")
    assert "<mark>Helstad</mark>" in client.get("/search/", {"q": "Kjetil Helstad"}).content.decode()
    getattr(person, change)()
    assert "Helstad" not in search(gql, "Kjetil Helstad")
    # The search page repeats the query; only a hit marks it.
    assert "<mark>Helstad</mark>" not in client.get("/search/", {"q": "Kjetil Helstad"}).content.decode()
    # Once the worker has made the pages again, the index holds exactly what they show.
    store.refresh_stale_all()
    assert "Helstad" not in search(gql, "Kjetil Helstad")
    assert "Dalsbøe" in search(gql, "Fredrik Dalsbøe")


@pytest.mark.parametrize("rebuild", [[], ["--missing"]])
def test_a_search_rebuild_while_the_worker_is_behind_does_not_bring_a_contact_back(
    gql, demo, empty_caches, no_worker, rebuild
):
    ContactPerson.objects.get(name="Kjetil Helstad").unpublish()
    if rebuild:
        IndexedPage.objects.filter(page__slug="infrastruktur").delete()
    call_command("search_index", *rebuild, stdout=StringIO(), stderr=StringIO())
    assert "Helstad" not in search(gql, "Kjetil Helstad")
    assert "Dalsbøe" in search(gql, "Fredrik Dalsbøe")


def test_a_contact_published_again_is_found_again_once_the_worker_has_run(gql, demo, empty_caches, no_worker):
    person = ContactPerson.objects.get(name="Kjetil Helstad")
    person.unpublish()
    store.refresh_stale_all()
    person.save_revision().publish()
    store.refresh_stale_all()
    assert "Helstad" in search(gql, "Kjetil Helstad")


INFRASTRUCTURE = "/attraktive-samfunn/infrastruktur/"
PAGE_CONTACTS = """query($path: String) { page(urlPath: $path) {
  ... on ThemePage { body { ... on ContactBlock { contacts { name } } } } } }"""


def test_a_contact_expiring_on_schedule_leaves_a_page_kept_in_memory(gql, shared_caching, client, no_worker):
    person = ContactPerson.objects.get(name="Fredrik Dalsbøe")
    person.expire_at = timezone.now() + timedelta(seconds=1)
    person.save()
    assert "Dalsbøe" in json.dumps(gql(PAGE_CONTACTS, {"path": INFRASTRUCTURE}), ensure_ascii=False)
    assert "Dalsbøe" in client.get(INFRASTRUCTURE).content.decode()
    time.sleep(1.2)
    assert "Dalsbøe" not in json.dumps(gql(PAGE_CONTACTS, {"path": INFRASTRUCTURE}), ensure_ascii=False)
    assert "Dalsbøe" not in client.get(INFRASTRUCTURE).content.decode()


def add_theme(title, parent=None, *, publish=True):
    parent = parent or TopicPage.objects.get(locale__language_code="nb")
    # As the admin makes it: a draft until it is published.
    page = parent.add_child(instance=ThemePage(title=title, slug=slugify(title), live=False))
    if publish:
        page.save_revision().publish()
    return ThemePage.objects.get(pk=page.pk)


def test_the_redirect_left_by_a_move_into_a_draft_does_not_tell_the_drafts_address(client, demo, empty_caches):
    page = add_theme("Prosjekt")
    public_parent = add_theme("Arkiv")
    # Control: moved to a public place, the old address leads to the new one.
    page.move(public_parent, "last-child")
    response = client.get("/attraktive-samfunn/prosjekt/")
    assert (response.status_code, response["Location"]) == (301, "/attraktive-samfunn/arkiv/prosjekt/")
    draft = add_theme("Hemmelig omorganisering", publish=False)
    ThemePage.objects.get(pk=page.pk).move(draft, "last-child")
    for old in ("/attraktive-samfunn/prosjekt/", "/attraktive-samfunn/arkiv/prosjekt/"):
        response = client.get(old)
        assert "hemmelig-omorganisering" not in response.get("Location", "")
        assert response.status_code == 404


def test_a_redirect_to_a_page_that_is_no_longer_public_is_a_404(client, demo, empty_caches):
    page = add_theme("Hemmelig side")
    Redirect.objects.create(old_path="/gammel-adresse", redirect_page=page, site=None)
    assert client.get("/gammel-adresse/")["Location"] == "/attraktive-samfunn/hemmelig-side/"
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert client.get("/gammel-adresse/").status_code == 404


SECRET_TEXT = "Innhold bak passord"
PAGE_INTRO = "query($path: String) { page(urlPath: $path) { title ... on ThemePage { intro } } }"


@pytest.mark.parametrize("restricted", ["original", "its parent", "moved under a restricted page"])
def test_an_alias_made_before_its_original_was_restricted_is_hidden_with_it(gql, client, shared_caching, restricted):
    parent = add_theme("Forelder")
    original = add_theme("Original", parent)
    original.intro = SECRET_TEXT
    original.save_revision().publish()
    original.create_alias(parent=TopicPage.objects.get(), update_slug="kopi")
    assert gql(PAGE_INTRO, {"path": "/attraktive-samfunn/kopi/"})["data"]["page"]["intro"] == SECRET_TEXT
    if restricted == "moved under a restricted page":
        private = add_theme("Privat")
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
        ThemePage.objects.get(pk=original.pk).move(private, "last-child")
    else:
        target = original if restricted == "original" else parent
        PageViewRestriction.objects.create(page=target, restriction_type=PageViewRestriction.PASSWORD, password="x")
    assert gql(PAGE_INTRO, {"path": "/attraktive-samfunn/kopi/"})["data"]["page"] is None
    assert SECRET_TEXT not in client.get("/attraktive-samfunn/kopi/").content.decode()
    assert "/attraktive-samfunn/kopi/" not in client.get("/sitemap.xml").content.decode()
    assert store.check(Site.objects.get(is_default_site=True)) == []


@pytest.fixture
def translator(client, demo):
    user = User.objects.create_user("oversetter", password="passord-som-er-langt")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def translated(client, user, page, language: str):
    """wagtail-localize's «Translate» action as an editor submits it, then the translation published."""
    locale = Locale.objects.get(language_code=language)
    client.force_login(user)
    response = client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [locale.pk]})
    client.logout()
    assert response.status_code == 302
    translation = page.get_translation(locale).specific
    translation.intro = SECRET_TEXT
    translation.save_revision().publish()
    return translation


INFRA_NN = "/nn/attraktive-samfunn/infrastruktur/"


@pytest.mark.parametrize("how", ["moved under a restricted page", "restricted parent"])
def test_a_translation_of_a_page_under_a_restriction_is_hidden_too(gql, client, translator, how):
    infra = ThemePage.objects.get(slug="infrastruktur", locale__language_code="nb")
    translated(client, translator, infra, "nn")
    assert gql(PAGE_INTRO, {"path": INFRA_NN})["data"]["page"]["intro"] == SECRET_TEXT
    private = add_theme("Privat")
    if how == "restricted parent":
        infra.move(private, "last-child")
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    else:
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
        infra.move(private, "last-child")
    assert gql(PAGE_INTRO, {"path": "/attraktive-samfunn/privat/infrastruktur/"})["data"]["page"] is None
    assert gql(PAGE_INTRO, {"path": INFRA_NN})["data"]["page"] is None
    assert SECRET_TEXT not in client.get(INFRA_NN).content.decode()
    assert INFRA_NN not in client.get("/sitemap.xml").content.decode()
    assert store.check(Site.objects.get(is_default_site=True)) == []


def test_a_document_whose_collection_is_moved_under_a_restricted_one_leaves_the_pages(client, shared_caching):
    root = Collection.get_first_root_node()
    internal = root.add_child(name="Intern")
    CollectionViewRestriction.objects.create(collection=internal, restriction_type=CollectionViewRestriction.LOGIN)
    reports = root.add_child(name="Rapporter")
    Document = get_document_model()
    document = Document.objects.create(
        title="Utkast til nedlegging", collection=reports, file=ContentFile(b"x", "a.pdf")
    )
    add_blocks(ThemePage.objects.get(slug="omstilling"), related_links("Dokumenter", documents=[document]))
    assert "Utkast til nedlegging" in client.get("/attraktive-samfunn/omstilling/").content.decode()
    # As an administrator moves it in the admin: the form is saved, then the collection moved.
    admin = User.objects.create_superuser("admin-ra", password="passord-som-er-langt")
    client.force_login(admin)
    response = client.post(f"/admin/collections/{reports.pk}/", {"name": "Rapporter", "parent": internal.pk})
    assert response.status_code == 302
    client.logout()
    assert "Utkast til nedlegging" not in client.get("/attraktive-samfunn/omstilling/").content.decode()


def test_copying_a_restricted_page_with_its_subpages_is_public_at_no_moment(client, demo):
    private = add_theme("Privat")
    add_theme("Underside", private)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    outside = len(connection.atomic_blocks)
    seen = []

    def published(sender, instance, **kwargs):
        # Another connection sees what is committed: each publish must still be inside the copy's transaction.
        seen.append((instance.slug, len(connection.atomic_blocks) > outside))

    page_published.connect(published, dispatch_uid="test_visibility_edge_cases.copy")
    try:
        client.force_login(User.objects.create_superuser("admin-kopi", password="passord-som-er-langt"))
        response = client.post(
            f"/admin/pages/{private.pk}/copy/",
            {
                "new_title": "Privat kopi",
                "new_slug": "privat-kopi",
                "new_parent_page": private.get_parent().pk,
                "copy_subpages": "on",
                "publish_copies": "on",
            },
        )
    finally:
        page_published.disconnect(dispatch_uid="test_visibility_edge_cases.copy")
    client.logout()
    assert response.status_code == 302
    assert seen
    assert all(inside for _slug, inside in seen), seen
    copy = Page.objects.get(slug="privat-kopi")
    # Frontends are not told of a page nobody could ever see, not even its path.
    told = json.dumps(list(PendingChange.objects.values("event", "items", "paths")))
    assert "privat-kopi" not in told
    assert f'"id": {copy.pk},' not in told
    assert copy.live
    assert copy.view_restrictions.exists()
    assert client.get("/attraktive-samfunn/privat-kopi/underside/").status_code == 200  # the password form
    assert "Underside" not in client.get("/attraktive-samfunn/").content.decode()
