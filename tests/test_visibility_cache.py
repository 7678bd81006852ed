"""The cached result of the visibility rule follows every change, and the schedule.

Tests run inside transactions, where nothing is cached; here caching is
switched on as it is for real requests, to prove the invalidation.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from api import visibility_cache
from content_models.models import ThemePage
from publishing.version import content_version
from publishing.visibility import public_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(shared_caching):
    return Site.objects.get(is_default_site=True)


def visible(site) -> set[int]:
    return set(visibility_cache.request_pages(site).values_list("pk", flat=True))


def test_cached_result_equals_the_rule(cached):
    assert visible(cached) == set(public_pages(cached).values_list("pk", flat=True))


def test_unpublish_and_republish(cached):
    page = ThemePage.objects.get(slug="infrastruktur")
    assert page.pk in visible(cached)
    page.unpublish()
    assert page.pk not in visible(cached)
    page.save_revision().publish()
    assert page.pk in visible(cached)


def test_view_restriction_and_its_removal(cached):
    topic = Page.objects.get(slug="attraktive-samfunn")
    restriction = PageViewRestriction.objects.create(page=topic, restriction_type=PageViewRestriction.LOGIN)
    assert not {topic.pk, *topic.get_descendants().values_list("pk", flat=True)} & visible(cached)
    restriction.delete()
    assert topic.pk in visible(cached)


def test_scheduled_expiry_takes_effect_without_any_signal(cached):
    page = ThemePage.objects.get(slug="omstilling")
    page.expire_at = timezone.now() + timedelta(seconds=2)
    page.save()
    assert page.pk in visible(cached)
    time.sleep(2.2)
    assert page.pk not in visible(cached)


def test_site_lookup_is_remembered_until_a_site_changes(cached, rf, django_assert_num_queries):
    request = rf.get("/graphql/")
    first = visibility_cache.request_site(request, content_version())
    with django_assert_num_queries(0):
        assert visibility_cache.request_site(rf.get("/graphql/"), content_version()) is first
    cached.site_name = "Endret navn"
    cached.save()
    assert visibility_cache.request_site(rf.get("/graphql/"), content_version()).site_name == "Endret navn"


def test_cached_search_answers_do_not_outlive_a_scheduled_expiry(cached):
    from search import engine

    page = ThemePage.objects.get(slug="infrastruktur")
    page.expire_at = timezone.now() + timedelta(seconds=2)
    page.save()
    assert [hit.title for hit in engine.SiteSearch(cached).search("dagligvarebutikker").hits] == ["Infrastruktur"]
    time.sleep(2.2)
    assert engine.SiteSearch(cached).search("dagligvarebutikker").hits == []


def test_the_site_lookup_survives_another_thread_evicting_it(rf, demo, monkeypatch):
    request = rf.get("/graphql/", HTTP_HOST="localhost")
    assert visibility_cache.request_site(request, 1) is not None
    memo = visibility_cache._sites
    real_get = memo.get

    def get_after_eviction(key, default=None):
        memo.clear()  # what many other hosts or ports arriving at once do to the oldest entry
        return real_get(key, default)

    monkeypatch.setattr(memo, "get", get_after_eviction)
    assert visibility_cache.request_site(request, 1) is not None
