"""What each process keeps of public content: no SQL when repeated, never stale, never private, bounded in bytes.

Tests run inside transactions, where nothing is shared between requests; here
sharing is switched on as it is for real requests, to prove the invalidation.
"""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api import caching
from api.queries import PAGE_BY_ID, PAGE_BY_PATH
from content_models.models import ContactPerson, ThemePage
from content_models.preview_tokens import create_token
from publishing import reader
from publishing import version as version_module
from publishing.models import ContentVersion
from publishing.version import content_version

pytestmark = pytest.mark.django_db

INFRASTRUCTURE = "/attraktive-samfunn/infrastruktur/"


def post(client, query, variables):
    response = client.post(
        "/graphql/", json.dumps({"query": query, "variables": variables}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def queries_for(client, query, variables) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        data = post(client, query, variables)
    return len(captured.captured_queries), data


def test_a_repeated_uncached_post_runs_no_sql_and_answers_the_same(shared_caching, client):
    page = ThemePage.objects.get(slug="infrastruktur")
    first_count, first = queries_for(client, PAGE_BY_ID, {"id": str(page.pk)})
    second_count, second = queries_for(client, PAGE_BY_ID, {"id": str(page.pk)})
    assert first_count > 0
    assert second_count == 0
    assert second == first
    # Another lookup of the same page shares what the first one fetched.
    by_path_count, by_path = queries_for(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})
    assert by_path == first
    assert by_path_count <= 1


def test_publish_is_seen_by_the_next_request(shared_caching, client):
    page = ThemePage.objects.get(slug="infrastruktur")
    assert post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})["page"]["title"] == "Infrastruktur"
    page.title = "Infrastruktur og samferdsel"
    page.save_revision().publish()
    assert post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})["page"]["title"] == "Infrastruktur og samferdsel"
    page.unpublish()
    assert post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})["page"] is None


def test_breadcrumbs_and_contacts_follow_their_own_changes(shared_caching, client):
    page = ThemePage.objects.get(slug="infrastruktur")
    data = post(client, PAGE_BY_ID, {"id": str(page.pk)})["page"]
    assert data["breadcrumbs"][-1]["title"] == "Attraktive samfunn"
    people = [p["name"] for block in data["body"] if block["blockType"] == "contacts" for p in block["contacts"]]
    assert "Kjetil Helstad" in people

    parent = page.get_parent().specific
    parent.title = "Attraktive lokalsamfunn"
    parent.save_revision().publish()
    ContactPerson.objects.get(name="Kjetil Helstad").unpublish()

    data = post(client, PAGE_BY_ID, {"id": str(page.pk)})["page"]
    assert data["breadcrumbs"][-1]["title"] == "Attraktive lokalsamfunn"
    people = [p["name"] for block in data["body"] if block["blockType"] == "contacts" for p in block["contacts"]]
    assert "Kjetil Helstad" not in people


def test_a_previewed_draft_never_reaches_other_requests(shared_caching, client):
    page = ThemePage.objects.get(slug="infrastruktur")
    child = ThemePage(title="Underside", slug="underside", intro="", body=[])
    page.add_child(instance=child)
    page.title = "Infrastruktur (utkast)"
    token = create_token(page)
    query = "query($token: String) { page(token: $token) { title breadcrumbs { title } children { title } } }"
    assert post(client, query, {"token": token})["page"]["title"] == "Infrastruktur (utkast)"
    assert post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})["page"]["title"] == "Infrastruktur"
    # Nor as an ancestor in someone else's breadcrumbs.
    crumbs = post(client, "query($id: ID) { page(id: $id) { breadcrumbs { title } } }", {"id": str(child.pk)})
    assert crumbs["page"]["breadcrumbs"][-1]["title"] == "Infrastruktur"


def test_what_is_kept_never_outlives_a_scheduled_expiry(shared_caching, client):
    page = ThemePage.objects.get(slug="infrastruktur")
    page.expire_at = timezone.now() + timedelta(seconds=1)
    page.save()
    assert post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})["page"] is not None
    time.sleep(1.2)
    assert post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})["page"] is None


def test_memory_is_bounded_in_bytes_and_the_least_recently_used_goes_first(shared_caching, client, monkeypatch):
    budget = 40_000
    monkeypatch.setitem(reader._memos, "pages", reader.ByteLRU(budget))
    query = "query($path: String) { page(urlPath: $path) { title } }"
    post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})
    for number in range(200):
        post(client, query, {"path": f"/finnes-ikke-{number}/"})
        # The page everybody reads stays; the misses nobody asks for again make room.
        post(client, query, {"path": INFRASTRUCTURE})
        assert reader._memos["pages"].bytes <= budget
    count, _ = queries_for(client, query, {"path": INFRASTRUCTURE})
    assert count == 0


def test_a_crawl_through_many_pages_leaves_the_popular_searches_kept(shared_caching, client, monkeypatch):
    monkeypatch.setitem(reader._memos, "pages", reader.ByteLRU(40_000))
    search = "query($q: String!) { siteSearch(query: $q) { totalCount results { title } } }"
    post(client, search, {"q": "bredbånd"})
    query = "query($path: String) { page(urlPath: $path) { title } }"
    for number in range(200):
        post(client, query, {"path": f"/finnes-ikke-{number}/"})
    with CaptureQueriesContext(connection) as captured:
        post(client, search, {"q": "bredbånd"})
    # Only the search statistics are written (at once in tests); nothing is read.
    reads = [q["sql"] for q in captured.captured_queries if "wagtailsearchpromotions" not in q["sql"]]
    assert [sql for sql in reads if "SAVEPOINT" not in sql] == []


def test_the_version_is_trusted_for_its_ttl_and_own_publishes_show_at_once(shared_caching, client, settings):
    settings.API = {**settings.API, "CONTENT_VERSION_TTL": 0.2}
    version = content_version()
    # Another process publishes: this one sees it once its lease is over, within the TTL.
    ContentVersion.objects.update(number=F("number") + 1)
    assert content_version() == version
    time.sleep(0.25)
    newer = content_version()
    assert newer != version

    settings.API = {**settings.API, "CONTENT_VERSION_TTL": 30}
    page = ThemePage.objects.get(slug="infrastruktur")
    assert post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})["page"]["title"] == "Infrastruktur"
    page.title = "Infrastruktur og samferdsel"
    page.save_revision().publish()
    assert content_version() != newer
    assert post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})["page"]["title"] == "Infrastruktur og samferdsel"


def test_a_repeated_search_runs_no_sql_and_follows_publishing(shared_caching, client, settings):
    settings.SEARCH_STATISTICS_FLUSH_SECONDS = 3600  # statistics written behind, see test_search_statistics
    search = "query($q: String!) { siteSearch(query: $q) { totalCount results { title } } }"
    first = post(client, search, {"q": "bredbånd"})["siteSearch"]
    assert first["totalCount"] >= 1
    count, again = queries_for(client, search, {"q": "bredbånd"})
    assert again["siteSearch"] == first
    assert count == 0

    page = ThemePage.objects.get(slug="infrastruktur")
    page.title = "Digital infrastruktur"
    page.save_revision().publish()
    titles = [hit["title"] for hit in post(client, search, {"q": "bredbånd"})["siteSearch"]["results"]]
    assert "Digital infrastruktur" in titles


def test_a_shared_cache_that_is_down_does_not_delay_a_publish(shared_caching, client, monkeypatch):
    # Redis down (django-redis ignores its errors): the version lives in the database, so publishes still show.
    dummy = DummyCache("dummy", {})
    monkeypatch.setattr(caching, "_cache", lambda: dummy)
    assert post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})["page"]["title"] == "Infrastruktur"
    ThemePage.objects.get(slug="infrastruktur").unpublish()
    assert post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})["page"] is None


def test_nothing_made_just_before_a_scheduled_expiry_outlives_it(shared_caching, client):
    page = ThemePage.objects.get(slug="infrastruktur")
    page.expire_at = timezone.now() + timedelta(seconds=0.6)
    page.save()
    assert post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})["page"] is not None
    time.sleep(0.8)
    # Another process starts afresh, from whatever the shared cache still holds.
    reader.clear_memo()
    assert post(client, PAGE_BY_PATH, {"path": INFRASTRUCTURE})["page"] is None


def test_a_read_from_before_a_publish_never_brings_the_old_version_back(settings, monkeypatch):
    settings.API = {**settings.API, "CONTENT_VERSION_TTL": 30}
    database = {"number": 100}
    read, go = threading.Event(), threading.Event()

    def slow_read():
        value = database["number"]
        if threading.current_thread().name == "slow-reader":
            read.set()
            go.wait(timeout=5)
        return value

    def publish_in_this_process():
        database["number"] += 1
        version_module._forget_lease()

    monkeypatch.setattr(version_module, "_read", slow_read)
    monkeypatch.setattr(version_module, "_lease", (None, 0.0))
    reader = threading.Thread(target=content_version, name="slow-reader")
    reader.start()
    assert read.wait(timeout=5)
    # The slow reader has seen 100; before it files that as the lease, this process publishes.
    publish_in_this_process()
    assert content_version() == 101
    go.set()
    reader.join()
    assert content_version() == 101
