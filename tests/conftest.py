import json

import pytest
from django.core.cache import cache
from django.db import connection

from api import caching, content_memo, persisted, visibility_cache
from content_models.demo_content.loader import DemoContentLoader
from publishing import version
from search import statistics
from webhooks.events import EVENTS
from webhooks.models import Endpoint
from webhooks.receiver import Receiver

from .webhook_helpers import SECRET


def pytest_runtest_setup(item):
    # A PostgreSQL test run against SQLite must fail loudly, never pass or skip quietly.
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it with DATABASE_URL=postgres://... (make test-postgres).")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the Troms content once per run; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        DemoContentLoader().run()


@pytest.fixture(autouse=True)
def unwritten_search_statistics_stay_in_their_test():
    yield
    statistics.discard_unwritten()


@pytest.fixture(autouse=True)
def version_read_afresh():
    # Each test's transaction is rolled back: a number leased in one test means nothing in the next.
    version._forget_lease()
    yield
    version._forget_lease()


@pytest.fixture
def empty_caches():
    """Every cache of public content empty, before and after: the shared cache and each process's memos."""

    def empty():
        cache.clear()
        caching.clear_local()
        persisted.clear_local()
        content_memo.clear()

    empty()
    yield
    empty()


@pytest.fixture
def shared_caching(monkeypatch, demo, empty_caches):
    """Sharing switched on as for real requests; tests run in transactions, where nothing is shared."""
    monkeypatch.setattr(version, "caching_allowed", lambda: True)
    monkeypatch.setattr(visibility_cache, "caching_allowed", lambda: True)


@pytest.fixture
def demo(db):
    """The loaded Troms content (see `django_db_setup`)."""


@pytest.fixture
def gql(client):
    """POST a GraphQL query through the real endpoint; returns the decoded JSON body."""

    def run(query, variables=None, *, status=200, **extra):
        response = client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **extra,
        )
        assert response.status_code == status, response.content
        return response.json()

    return run


@pytest.fixture
def receiver():
    """A real HTTP receiver on this machine that verifies signatures (webhooks/receiver.py)."""
    with Receiver(secret=SECRET) as running:
        yield running


@pytest.fixture
def endpoint(receiver, demo):
    """An endpoint subscribed to every event, pointing at `receiver`."""
    return Endpoint.objects.create(name="frontend", url=receiver.url, secret=SECRET, events=list(EVENTS))
