"""The stored public form follows every change, and agrees with the visibility rule page by page.

Readers use the store outside transactions; tests run inside them, where
readers make the same records on the spot. Here the store itself is checked
(`publishing.store.check`), and read through as real requests read it
(`shared_caching`).
"""

import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction, Site

from content_models.models import ContactPerson, ThemePage, TopicPage
from publishing import store, version
from publishing.models import PublicPage, PublicReference
from publishing.reader import PublicContent

from .bodies import add_block, link_to, related_links, section

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(demo):
    return Site.objects.get(is_default_site=True)


def stored(page) -> PublicPage | None:
    return PublicPage.objects.filter(page_id=page.pk).first()


def agrees(site):
    assert store.check(site) == []


def body_of(page) -> str:
    """The page's stored body once the worker has run: it makes stale pages again after the change commits."""
    store.refresh_stale_all()
    return json.dumps(stored(page).data, ensure_ascii=False)


def test_the_loaded_content_is_stored_as_the_rule_says(site):
    assert PublicPage.objects.filter(site=site).count() == 6
    agrees(site)
    row = stored(ThemePage.objects.get(slug="infrastruktur"))
    assert row.url_path == "/attraktive-samfunn/infrastruktur/"
    assert [block["block_type"] for block in row.data["body"]][-1] == "contacts"
    assert "Kjetil Helstad" in json.dumps(row.data, ensure_ascii=False)


def test_unpublish_and_republish_a_subtree(site):
    topic = TopicPage.objects.get()
    topic.unpublish()
    assert not PublicPage.objects.filter(path__startswith=topic.path).exists()
    agrees(site)
    topic.save_revision().publish()
    # Live children below come back with it.
    assert PublicPage.objects.filter(path__startswith=topic.path).count() == 5
    agrees(site)


def test_view_restriction_and_its_removal(site):
    topic = Page.objects.get(slug="attraktive-samfunn")
    restriction = PageViewRestriction.objects.create(page=topic, restriction_type=PageViewRestriction.LOGIN)
    assert not PublicPage.objects.filter(path__startswith=topic.path).exists()
    agrees(site)
    restriction.delete()
    assert PublicPage.objects.filter(path__startswith=topic.path).count() == 5
    agrees(site)


def test_moving_a_page_updates_its_path_and_the_links_to_it(site):
    theme = ThemePage.objects.get(slug="infrastruktur")
    linking = ThemePage.objects.get(slug="omstilling")
    add_block(linking, *section("Se også", link_to(theme, "Infra")))
    assert 'href=\\"/attraktive-samfunn/infrastruktur/\\"' in body_of(linking)

    other = TopicPage(title="Annet tema", slug="annet-tema")
    site.root_page.add_child(instance=other)
    other.save_revision().publish()
    theme.move(other, pos="last-child")
    assert stored(theme).url_path == "/annet-tema/infrastruktur/"
    assert 'href=\\"/annet-tema/infrastruktur/\\"' in body_of(linking)
    agrees(site)


def test_a_published_contact_change_reaches_every_page_showing_it(site):
    person = ContactPerson.objects.get(name="Kjetil Helstad")
    person.phone = "+47 77 78 80 00"
    person.save_revision().publish()
    assert "+47 77 78 80 00" in body_of(ThemePage.objects.get(slug="infrastruktur"))
    person.unpublish()
    assert "Kjetil Helstad" not in body_of(ThemePage.objects.get(slug="infrastruktur"))
    agrees(site)


def test_a_draft_save_leaves_the_store_alone(site):
    page = ThemePage.objects.get(slug="infrastruktur")
    before = stored(page).refreshed_at
    page.title = "Utkast"
    page.save_revision()
    assert stored(page).refreshed_at == before
    assert stored(page).title == "Infrastruktur"


def test_renaming_or_unpublishing_a_linked_page_updates_the_pages_that_link_to_it(site):
    target = ThemePage.objects.get(slug="omstilling")
    page = ThemePage.objects.get(slug="infrastruktur")
    add_block(page, *related_links("Se også", pages=[target]))
    assert '"title": "Omstilling"' in body_of(page)

    target.title = "Omstilling og utvikling"
    target.save_revision().publish()
    assert '"title": "Omstilling og utvikling"' in body_of(page)

    target.unpublish()
    assert "/attraktive-samfunn/omstilling/" not in body_of(page)
    agrees(site)


def test_a_document_in_a_newly_restricted_collection_leaves_the_pages(site):
    from django.core.files.base import ContentFile

    collection = Collection.get_first_root_node().add_child(name="Interne")
    document = get_document_model().objects.create(
        title="Plan", collection=collection, file=ContentFile(b"x", name="plan.pdf")
    )
    page = ThemePage.objects.get(slug="infrastruktur")
    add_block(page, *related_links("Dokumenter", documents=[document]))
    assert "plan.pdf" in body_of(page)
    CollectionViewRestriction.objects.create(collection=collection, restriction_type=CollectionViewRestriction.LOGIN)
    assert "plan.pdf" not in body_of(page)
    agrees(site)


def test_deleting_a_page_removes_it_and_the_links_to_it(site):
    target = ThemePage.objects.get(slug="omstilling")
    page = ThemePage.objects.get(slug="infrastruktur")
    add_block(page, *section("Lenke", link_to(target, "Omstilling")))
    target.delete()
    assert not PublicPage.objects.filter(page_id=target.pk).exists()
    assert "<p>Omstilling</p>" in body_of(page)
    assert not PublicReference.objects.filter(page_id=target.pk).exists()
    agrees(site)


def test_a_stale_body_is_made_again_when_read_before_the_worker_stores_it(shared_caching, rf, site):
    page = ThemePage.objects.get(slug="infrastruktur")
    # Changed in the database behind the store's back, then marked as the signal handlers would.
    ContactPerson.objects.filter(name="Kjetil Helstad").update(phone="+47 11 11 11 11")
    PublicPage.objects.filter(page_id=page.pk).update(stale=True)
    record = PublicContent(rf.get("/")).page_by_path("/attraktive-samfunn/infrastruktur/")
    assert "+47 11 11 11 11" in json.dumps(record.data)
    assert store.refresh_stale() == 1
    assert not stored(page).stale
    assert "+47 11 11 11 11" in body_of(page)


def test_scheduled_expiry_takes_effect_without_any_signal(shared_caching, rf, site):
    page = ThemePage.objects.get(slug="omstilling")
    page.expire_at = timezone.now() + timedelta(seconds=1.5)
    page.save()
    assert stored(page).visible_until == page.expire_at
    path = "/attraktive-samfunn/omstilling/"
    assert PublicContent(rf.get("/")).page_by_path(path) is not None
    time.sleep(1.7)
    assert PublicContent(rf.get("/")).page_by_path(path) is None
    topic = PublicContent(rf.get("/")).page_by_path("/attraktive-samfunn/")
    reader = PublicContent(rf.get("/"))
    assert "Omstilling" not in [child.title for child in reader.children(reader.page_by_path(topic.url_path))]


def test_check_finds_a_store_that_disagrees_and_rebuild_mends_it(site):
    page = ThemePage.objects.get(slug="infrastruktur")
    PublicPage.objects.filter(page_id=page.pk).update(title="Feil tittel")
    PublicPage.objects.filter(page_id=ThemePage.objects.get(slug="omstilling").pk).delete()
    problems = store.check(site)
    assert any("title differs" in problem for problem in problems)
    assert any("is public but not stored" in problem for problem in problems)
    with pytest.raises(Exception, match="difference"):
        call_command("check_public_store")
    call_command("rebuild_public_store")
    agrees(site)


def test_bulk_generated_pages_are_stored_by_a_rebuild(site):
    from content_models.management.commands.generate_bench_content import generate

    ids = generate(120, sections=3)
    store.rebuild(site)
    assert PublicPage.objects.filter(page_id__in=ids).count() == 120
    agrees(site)


def test_the_site_lookup_is_remembered_until_a_site_changes(shared_caching, rf, site, django_assert_num_queries):
    assert PublicContent(rf.get("/")).site == site
    with django_assert_num_queries(0):
        assert PublicContent(rf.get("/")).site == site
    site.site_name = "Endret navn"
    site.save()
    assert PublicContent(rf.get("/")).site.site_name == "Endret navn"


def test_cached_search_answers_do_not_outlive_a_scheduled_expiry(shared_caching, site):
    from search import engine

    page = ThemePage.objects.get(slug="infrastruktur")
    page.expire_at = timezone.now() + timedelta(seconds=1.5)
    page.save()
    assert [hit.title for hit in engine.SiteSearch(site).search("dagligvarebutikker").hits] == ["Infrastruktur"]
    time.sleep(1.7)
    assert engine.SiteSearch(site).search("dagligvarebutikker").hits == []


def test_the_workers_periodic_jobs_change_nothing_public_when_nothing_is_due(site, settings):
    # A change of the content version ends everything every process keeps; an idle worker runs these
    # every few seconds, so a bump with nothing to do would empty every cache that often.
    jobs = [import_string(path) for path, _ in settings.WORKER["PERIODIC_JOBS"].values()]
    for job in jobs:  # whatever the loaded content left due
        job()
    version._forget_lease()
    before = version.content_version()
    for job in jobs:
        job()
    version._forget_lease()
    assert version.content_version() == before


def test_a_page_read_with_its_children_in_one_statement_is_what_two_reads_give(shared_caching, rf, site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = "/attraktive-samfunn/"
    apart = PublicContent(rf.get("/"))
    topic = apart.page_by_path(path)
    expected = [child.url_path for child in apart.children(topic)]
    assert len(expected) == 4

    together = PublicContent(rf.get("/"))
    with CaptureQueriesContext(connection) as read:
        found = together.page_by_path(path, children=3)
        children = together.children(found, limit=2, offset=1)
    assert found == topic
    assert [child.url_path for child in children] == expected[1:3]
    assert sum("parent_id" in query["sql"] for query in read.captured_queries) == 1
    # More than was read with the page: read again, the ordinary way.
    assert [child.url_path for child in together.children(found)] == expected
    by_id = PublicContent(rf.get("/")).page_by_id(topic.page_id, children=100)
    assert by_id == topic


def test_children_read_with_their_page_follow_the_schedule(shared_caching, rf, site):
    page = ThemePage.objects.get(slug="omstilling")
    page.expire_at = timezone.now() + timedelta(seconds=1.5)
    page.save()
    later = ThemePage.objects.get(slug="infrastruktur")
    later.go_live_at = timezone.now() + timedelta(days=1)
    later.save()

    def child_titles():
        reader = PublicContent(rf.get("/"))
        return [child.title for child in reader.children(reader.page_by_path("/attraktive-samfunn/", children=100))]

    assert "Omstilling" in child_titles()
    assert "Infrastruktur" not in child_titles()
    time.sleep(1.7)
    # The same request again, with the pair kept in the process until the expiry: not past it.
    assert "Omstilling" not in child_titles()


def test_a_stale_row_is_found_by_its_stored_path_with_or_without_its_children(shared_caching, rf, site):
    page = TopicPage.objects.get()
    PublicPage.objects.filter(page_id=page.pk).update(url_path="/gammel-adresse/", stale=True)
    alone = PublicContent(rf.get("/")).page_by_path("/gammel-adresse/")
    reader = PublicContent(rf.get("/"))
    together = reader.page_by_path("/gammel-adresse/", children=100)
    assert alone is not None
    assert together == alone
    assert [child.title for child in reader.children(together)] == [
        child.title for child in ThemePage.objects.live().order_by("path")
    ]


@pytest.mark.parametrize(
    "stored", ['{"body": [{"type": "section", "id": 7, "value": {"heading": "Æ"}}]}', "[1, 2.5, null]", "not json"]
)
def test_stored_bodies_are_read_as_django_reads_json(stored):
    # A stored record's JSON is read with orjson (publishing/sources.py); the values must be Django's own.
    from django.db import connection
    from django.db.models import JSONField

    from publishing.sources import _json_value

    field = JSONField()
    assert _json_value(stored, None, connection) == field.from_db_value(stored, None, connection)
    assert _json_value(stored.encode(), None, connection) == field.from_db_value(stored.encode(), None, connection)
    assert _json_value(None, None, connection) is None
