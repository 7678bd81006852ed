"""Property-based: queries generated from the live schema never get a 500 or leak internals."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema

from api.schema import schema

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
LEAK_MARKERS = ("Traceback", "SELECT ", "psycopg", "sqlite3", 'File "', "wagtailcore_")


def assert_clean(response):
    assert response.status_code in (200, 400), response.content[:500]
    body = response.content.decode()
    payload = json.loads(body)
    assert "data" in payload or "errors" in payload
    for marker in LEAK_MARKERS:
        assert marker not in body


@FUZZ
@given(query=from_schema(schema.graphql_schema, mode=Mode.POSITIVE))
def test_valid_generated_queries(client, demo, query):
    assert_clean(client.post("/graphql/", data=json.dumps({"query": query}), content_type="application/json"))


@FUZZ
@given(query=from_schema(schema.graphql_schema, mode=Mode.NEGATIVE))
def test_invalid_generated_queries(client, demo, query):
    response = client.post("/graphql/", data=json.dumps({"query": query}), content_type="application/json")
    assert_clean(response)


@FUZZ
@given(
    query=st.text(max_size=300),
    variables=st.one_of(st.none(), st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=3)),
)
def test_arbitrary_text(client, demo, query, variables):
    response = client.get("/graphql/", {"query": query, "variables": json.dumps(variables)})
    assert_clean(response)
