"""The search index follows public content: publishing, unpublishing, moves, restrictions, schedules, people."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from content_models.models import ContactPerson, ThemePage, TopicPage
from publishing import store as public_store
from search import engine as engine_module
from search.models import IndexedPage, Posting, Term

pytestmark = pytest.mark.django_db

INFRA = "/attraktive-samfunn/infrastruktur/"


def paths(q: str) -> list[str]:
    results = engine_module.SiteSearch(Site.objects.get(is_default_site=True)).search(q)
    return [hit.url_path.split("#")[0] for hit in results.hits]


def at(monkeypatch, moment):
    monkeypatch.setattr(engine_module.timezone, "now", lambda: moment)


def test_unpublishing_a_parent_hides_its_pages_until_it_is_published_again(demo):
    topic = TopicPage.objects.get(slug="attraktive-samfunn")
    assert paths("spleiselag") == [INFRA]
    topic.unpublish()
    assert paths("spleiselag") == []
    assert not IndexedPage.objects.filter(url_path=INFRA).exists()
    topic.save_revision().publish()
    assert paths("spleiselag") == [INFRA]


def test_a_draft_changes_nothing_until_it_is_published(demo):
    page = ThemePage.objects.get(slug="infrastruktur")
    page.intro = "Havbruksnæringen i Troms."
    page.save_revision()
    assert paths("havbruksnæringen") == []
    page.get_latest_revision().publish()
    assert paths("havbruksnæringen") == [INFRA]


def test_a_view_restriction_hides_the_subtree(demo):
    topic = TopicPage.objects.get(slug="attraktive-samfunn")
    restriction = PageViewRestriction.objects.create(
        page=topic, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert paths("spleiselag") == []
    assert paths("attraktive samfunn") == []
    restriction.delete()
    assert paths("spleiselag") == [INFRA]


def test_a_moved_page_is_found_at_its_new_path(demo):
    page = ThemePage.objects.get(slug="infrastruktur")
    home = Site.objects.get(is_default_site=True).root_page
    page.move(home, pos="last-child")
    assert paths("spleiselag") == ["/infrastruktur/"]


def test_a_deleted_page_leaves_the_index_and_the_vocabulary(demo):
    assert Term.objects.filter(term="spleiselag").exists()
    ThemePage.objects.get(slug="infrastruktur").delete()
    assert paths("spleiselag") == []
    assert not Term.objects.filter(term="spleiselag").exists()
    assert not Posting.objects.filter(term="spleiselag").exists()


def test_a_scheduled_expiry_takes_effect_on_the_second_without_the_scheduler(demo, monkeypatch):
    soon = timezone.now() + timedelta(minutes=5)
    topic = TopicPage.objects.get(slug="attraktive-samfunn")
    topic.expire_at = soon
    topic.save()
    assert paths("spleiselag") == [INFRA]
    at(monkeypatch, soon - timedelta(seconds=1))
    assert paths("spleiselag") == [INFRA]
    at(monkeypatch, soon)
    # The topic's expiry ends its pages too, though none of them has an expiry of its own.
    assert paths("spleiselag") == []


def test_a_page_going_live_later_is_indexed_but_not_found_before_then(demo, monkeypatch):
    later = timezone.now() + timedelta(hours=1)
    page = ThemePage.objects.get(slug="infrastruktur")
    page.go_live_at = later
    page.save()
    assert paths("spleiselag") == []
    at(monkeypatch, later)
    assert paths("spleiselag") == [INFRA]


def test_a_contact_person_is_found_while_public_only(demo, monkeypatch):
    person = ContactPerson.objects.get(name="Fredrik Dalsbøe")
    assert paths("Dalsbøe") == [INFRA]
    # Set behind the signals' back, then the page's public form made again (as the worker would).
    ContactPerson.objects.filter(pk=person.pk).update(expire_at=timezone.now() + timedelta(minutes=5))
    public_store.refresh_subtree(ThemePage.objects.get(slug="infrastruktur"))
    at(monkeypatch, timezone.now() + timedelta(minutes=6))
    assert paths("Dalsbøe") == []
    assert paths("Helstad") == [INFRA]  # the page and its other people stay
    monkeypatch.undo()
    person.refresh_from_db()
    person.unpublish()
    assert paths("Dalsbøe") == []


def test_the_rebuild_command_gives_the_index_the_signals_keep(demo):
    before = sorted(Posting.objects.values_list("entry__page_id", "term", "person_id", "impact"))
    terms = sorted(Term.objects.values_list("term", "pages"))
    call_command("search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(Posting.objects.values_list("entry__page_id", "term", "person_id", "impact")) == before
    assert sorted(Term.objects.values_list("term", "pages")) == terms


def test_only_public_pages_are_indexed(demo):
    site = Site.objects.get(is_default_site=True)
    public = set(Page.objects.filter(path__startswith=site.root_page.path).live().values_list("pk", flat=True))
    assert set(IndexedPage.objects.values_list("page_id", flat=True)) == public
