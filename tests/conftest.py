import json

import pytest
from django.db import connection

from content_models.demo_content.loader import DemoContentLoader
from search import statistics


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
