"""Hostile review A: leaks through changes made without the usual signals, and stale caches."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from content_models.models import ContactPerson, ThemePage
from publishing import store

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
