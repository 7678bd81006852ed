"""Per-client limits on the API's expensive requests: searches, suggestions and uncached POST queries."""

import hashlib
import json
import logging
import secrets

import pytest

from api import rate_limits

from .test_health import closed_port, unreachable_redis

SEARCH = '{ siteSearch(query: "%s") { totalCount } }'
SUGGEST = '{ searchSuggest(prefix: "%s") }'
PAGE = '{ page(urlPath: "/attraktive-samfunn/infrastruktur/") { title } }'

pytestmark = pytest.mark.usefixtures("empty_caches")


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "ENABLED": True,
        "WINDOW_SECONDS": 60,
        "LIMITS": {"post": 4, "search": 2, "suggest": 3},
        "EXEMPT": [],
    }
    return settings.RATE_LIMITS


def post(client, query, **extra):
    return client.post("/graphql/", json.dumps({"query": query}), content_type="application/json", **extra)


def get(client, query=None, **params):
    headers = {name: params.pop(name) for name in list(params) if name.startswith("HTTP_")}
    return client.get("/graphql/", {**({"query": query} if query else {}), **params}, **headers)


def assert_refused(response, code="RATE_LIMITED"):
    assert response.status_code == 429, response.content
    seconds = int(response["Retry-After"])
    assert 1 <= seconds <= 60
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": code, "retryAfter": seconds}
    assert f"{seconds} s" in error["message"]
    return error["message"]


def test_uncached_post_queries_are_limited_per_client(client, demo, limits):
    assert [post(client, PAGE).status_code for _ in range(4)] == [200] * 4
    message = assert_refused(post(client, PAGE))
    assert "GET" in message
    # GETs are not POSTs: the same query over GET still runs.
    assert get(client, PAGE).json() == {"data": {"page": {"title": "Infrastruktur"}}}


def test_each_search_counts_over_get_and_post(client, demo, limits):
    assert get(client, SEARCH % "vei").status_code == 200
    assert post(client, SEARCH % "skole").status_code == 200
    assert "searches" in assert_refused(get(client, SEARCH % "buss"))
    # Suggestions have a bucket of their own.
    assert post(client, SUGGEST % "bre").status_code == 200


def test_root_fields_are_counted_through_fragments():
    from graphql import parse

    document = parse(
        'query { a: siteSearch(query: "x") { totalCount } ...F ... on Query { searchSuggest(prefix: "y") } }'
        ' fragment F on Query { b: siteSearch(query: "z") { totalCount } pages { title } }'
    )
    operation = document.definitions[0]
    assert rate_limits.root_field_counts(document, operation) == {"siteSearch": 2, "searchSuggest": 1, "pages": 1}


def test_aliases_and_fragments_count_every_search_they_run(client, demo, limits):
    query = '{ a: siteSearch(query: "vei") { totalCount } ...More } fragment More on Query { b: siteSearch(query: "bu") { totalCount } }'
    assert post(client, query).status_code == 200
    assert_refused(post(client, SEARCH % "skole"))

    three = (
        '{ a: searchSuggest(prefix: "a") ... on Query { b: searchSuggest(prefix: "b") c: searchSuggest(prefix: "c") } }'
    )
    assert post(client, three).status_code == 200
    assert_refused(post(client, SUGGEST % "d"))


def test_clients_are_counted_apart_behind_our_proxy(client, demo, limits, settings):
    settings.NUM_PROXIES = 1
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    second = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.8"}
    # Different words each time: a repeated GET may be answered from the cache, which is never limited.
    for word in ("vei", "skole"):
        assert get(client, SEARCH % word, **first).status_code == 200
    assert_refused(get(client, SEARCH % "buss", **first))
    assert get(client, SEARCH % "tog", **second).status_code == 200


def test_exempt_networks_are_not_limited(client, demo, limits):
    limits["EXEMPT"] = ["127.0.0.0/8", "2001:db8::/32"]
    assert {get(client, SEARCH % "vei").status_code for _ in range(5)} == {200}


def test_off_means_off(client, demo, limits):
    limits["ENABLED"] = False
    assert {post(client, SEARCH % "vei").status_code for _ in range(6)} == {200}


def test_persisted_gets_answered_from_the_cache_are_not_limited(client, shared_caching, limits):
    query = 'query Search { siteSearch(query: "vei") { totalCount } }'
    params = {
        "extensions": json.dumps(
            {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}}
        )
    }
    assert get(client, query, **params).status_code == 200  # registers and runs: one search
    # Later GETs by hash: answered from the cache, however many, and while the client is over its limits.
    assert post(client, SEARCH % "skole").status_code == 200
    assert_refused(post(client, SEARCH % "buss"))
    for _ in range(5):
        post(client, PAGE)
    assert_refused(post(client, PAGE))
    answers = [get(client, **params) for _ in range(10)]
    assert {response.status_code for response in answers} == {200}
    assert all(response["Cache-Control"].startswith("public") for response in answers)
    # A search the cache does not have still counts.
    assert_refused(get(client, SEARCH % "tog"))


def test_limits_fail_open_while_redis_is_away(client, demo, limits, settings, caplog):
    settings.CACHES = unreachable_redis(closed_port())
    with caplog.at_level(logging.WARNING, logger="ops.ratelimit"):
        assert {post(client, SEARCH % "vei").status_code for _ in range(6)} == {200}
    # Said once, not once per request.
    assert [r.getMessage() for r in caplog.records if r.name == "ops.ratelimit"] == [
        "Rate limits are not counted (the cache is unreachable): requests are served unlimited"
    ]


@pytest.mark.postgres
def test_counts_are_shared_in_redis(client, demo, limits, settings):
    """The PostgreSQL pass runs with Redis on 6379 (tools/machine.sh): every process counts in the same keys."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": f"test-limits-{secrets.token_hex(4)}",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    from django.core.cache import caches

    assert [post(client, SEARCH % w).status_code for w in ("vei", "skole")] == [200, 200]
    assert_refused(post(client, SEARCH % "buss"))
    [key] = caches["default"].keys("ratelimit:search:*")
    # The key names a hash of the address, never the address.
    assert "127.0.0.1" not in key
    assert caches["default"].get(key) == 3
    caches["default"].delete(key)


def test_a_client_whose_posts_are_used_up_is_refused_before_its_body_is_read(client, demo, limits):
    assert [post(client, PAGE).status_code for _ in range(4)] == [200] * 4
    # A body that could not even be read (not UTF-8, 1 MB): refused for the limit, not parsed for a 400.
    body = b"\xff" * 1_000_000
    response = client.post("/graphql/", body, content_type="application/json")
    assert_refused(response)
    # Another client is not affected.
    assert post(client, PAGE, REMOTE_ADDR="10.1.2.3").status_code == 200
