"""What happens to cached public content when things change while it is being made.

Each test here reproduces a race or failure found in review: a publish or a
scheduled expiry landing mid-request, Redis dropping out, concurrent first
requests. The published site's answer must win every time.
"""

import gc
import threading
import time
from datetime import timedelta

import graphene
import pytest
from django.utils import timezone
from graphql import execute, parse
from graphql.execution import ExecutionContext
from wagtail.models import Site

from api import caching
from api.execution import for_document, never_awaitable
from content_models.models import ThemePage
from publishing import reader, version
from search import engine, statistics

PAGE = 'query { page(urlPath: "/attraktive-samfunn/infrastruktur/") { title } }'


pytestmark = pytest.mark.usefixtures("empty_caches")


def title(client):
    response = client.get("/graphql/", {"query": PAGE})
    assert response.status_code == 200, response.content
    page = response.json()["data"]["page"]
    return page and page["title"]


@pytest.mark.django_db
def test_a_publish_during_a_search_never_files_its_ranking_under_the_new_version(demo, monkeypatch):
    monkeypatch.setattr(version, "caching_allowed", lambda: True)
    site = Site.objects.get(is_default_site=True)
    page = ThemePage.objects.get(slug="infrastruktur")
    real = engine.SiteSearch._promoted
    unpublished = []

    def promoted_while_someone_unpublishes(self, *args, **kwargs):
        if not unpublished:
            unpublished.append(True)
            page.unpublish()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(engine.SiteSearch, "_promoted", promoted_while_someone_unpublishes)
    engine.SiteSearch(site).search("dagligvarebutikker")
    monkeypatch.setattr(engine.SiteSearch, "_promoted", real)
    reader.clear_memo()
    assert engine.SiteSearch(site).search("dagligvarebutikker").hits == []


@pytest.mark.django_db
def test_an_expiry_while_an_answer_is_made_ends_its_cache_entry(demo, client, monkeypatch):
    ThemePage.objects.filter(slug="infrastruktur").update(expire_at=timezone.now() + timedelta(seconds=1))
    real = caching.respond

    def slow(request, query, run):
        def run_then_wait():
            response = run()
            time.sleep(1.2)
            return response

        return real(request, query, run_then_wait)

    monkeypatch.setattr(caching, "respond", slow)
    assert title(client) == "Infrastruktur"
    monkeypatch.setattr(caching, "respond", real)
    assert title(client) is None


class Unreachable:
    """What django-redis with IGNORE_EXCEPTIONS does while Redis cannot be reached."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


@pytest.mark.django_db
def test_a_publish_while_redis_is_down_is_seen_at_once(demo, client, monkeypatch):
    assert title(client) == "Infrastruktur"
    monkeypatch.setattr(caching, "_cache", lambda: Unreachable())
    ThemePage.objects.get(slug="infrastruktur").unpublish()
    assert title(client) is None


class Thing(graphene.ObjectType):
    name = graphene.String(required=True)
    size = graphene.Int()


class ThingQuery(graphene.ObjectType):
    things = graphene.List(Thing)

    def resolve_things(self, info):
        return [{"name": "a", "size": 1}]


def test_concurrent_first_requests_leave_no_plan_for_a_freed_selection(monkeypatch):
    toy = graphene.Schema(query=ThingQuery).graphql_schema
    query = "{ things { name size } }"
    document = parse(query)
    context_class = for_document(query)
    barrier = threading.Barrier(2)
    real = ExecutionContext.collect_subfields

    def collected_together(self, return_type, field_nodes):
        result = real(self, return_type, field_nodes)
        barrier.wait(timeout=5)
        return result

    monkeypatch.setattr(ExecutionContext, "collect_subfields", collected_together)
    runs = [
        threading.Thread(
            target=execute,
            args=(toy, document),
            kwargs={"execution_context_class": context_class, "is_awaitable": never_awaitable},
        )
        for _ in range(2)
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    monkeypatch.setattr(ExecutionContext, "collect_subfields", real)
    gc.collect()
    assert context_class.shared_selections <= {id(kept) for kept in context_class.shared_subfields.values()}
    for _ in range(200):
        result = execute(toy, document, execution_context_class=context_class, is_awaitable=never_awaitable)
        assert result.data == {"things": [{"name": "a", "size": 1}]}


def test_a_failed_statistics_write_is_tried_again_without_new_searches(settings, monkeypatch):
    settings.SEARCH_STATISTICS_FLUSH_SECONDS = 5
    scheduled = []

    class FakeTimer:
        def __init__(self, delay, target):
            scheduled.append(target)

        def start(self):
            pass

        def cancel(self):
            pass

    def unavailable(counts):
        raise RuntimeError("deadlock detected")

    monkeypatch.setattr(statistics.threading, "Timer", FakeTimer)
    monkeypatch.setattr(statistics, "_write", unavailable)
    statistics.record("bredbånd", 3)
    assert len(scheduled) == 1
    statistics._timer = None  # the timer fires: its write fails
    statistics.flush()
    assert len(scheduled) == 2
    assert statistics._pending[("bredbånd", False)] == 1
