"""The health endpoints: what each check reports when its part is really there, and when it is really not."""

import json
import secrets
import socket
import time
from contextlib import closing

import pytest
from django.db.migrations.recorder import MigrationRecorder

from ops import probe
from search.analysis import dictionary

from .production import last_json_line, run_production

ALL_OK = {"database": "ok", "migrations": "ok", "cache": "ok", "search": "ok"}


def ready(client):
    response = client.get("/health/ready")
    return response.status_code, response.json(), response


def closed_port() -> int:
    """A port on this machine where nothing listens (bound, then released)."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unreachable_redis(port: int) -> dict:
    # As production configures django-redis (cms/settings/base.py), pointed at a port nothing answers on.
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }


def test_live_answers_without_touching_the_database_or_the_cache(client, settings):
    # No `db` fixture: pytest-django refuses any database access. And a cache that raises on any use.
    caches = unreachable_redis(closed_port())
    caches["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] = False
    settings.CACHES = caches
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_ready_names_every_check(client, demo):
    status, body, response = ready(client)
    assert (status, body) == (200, {"status": "ok", "checks": ALL_OK})
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


def test_health_takes_only_get_and_head(client, demo):
    assert client.head("/health/ready").status_code == 200
    assert client.post("/health/ready").status_code == 405
    assert client.post("/health/live").status_code == 405


def test_an_unapplied_migration_fails_readiness(client, demo):
    MigrationRecorder.Migration.objects.filter(app="search").order_by("-id").first().delete()
    status, body, _ = ready(client)
    assert status == 503
    assert body == {"status": "fail", "checks": {**ALL_OK, "migrations": "fail"}}


def test_redis_away_only_degrades(client, demo, settings):
    settings.CACHES = unreachable_redis(closed_port())
    started = time.monotonic()
    status, body, _ = ready(client)
    assert (status, body) == (200, {"status": "degraded", "checks": {**ALL_OK, "cache": "degraded"}})
    assert time.monotonic() - started < 5


@pytest.mark.postgres
def test_the_shared_redis_reads_ok(client, demo, settings):
    # The PostgreSQL pass runs with its services up (tools/machine.sh): PostgreSQL and Redis on 6379.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": f"test-health-{secrets.token_hex(4)}",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    assert ready(client)[:2] == (200, {"status": "ok", "checks": ALL_OK})


@pytest.fixture
def no_dictionary(monkeypatch, tmp_path):
    monkeypatch.setenv("SEARCH_HUNSPELL_DIC", str(tmp_path / "missing.dic"))
    dictionary.compound_words.cache_clear()
    yield
    monkeypatch.undo()
    dictionary.compound_words.cache_clear()


def test_a_missing_norwegian_dictionary_fails_search(client, demo, no_dictionary):
    status, body, _ = ready(client)
    assert (status, body) == (503, {"status": "fail", "checks": {**ALL_OK, "search": "fail"}})


@pytest.mark.postgres
def test_a_missing_text_search_configuration_fails_search(client, demo, settings):
    backend = settings.WAGTAILSEARCH_BACKENDS["default"]
    settings.WAGTAILSEARCH_BACKENDS = {"default": {**backend, "SEARCH_CONFIG": "no_such_configuration"}}
    status, body, _ = ready(client)
    assert (status, body) == (503, {"status": "fail", "checks": {**ALL_OK, "search": "fail"}})


def test_probes_are_never_rate_limited(client, demo, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "ENABLED": True, "LIMITS": {"post": 1, "search": 1, "suggest": 1}}
    assert {client.get("/health/ready").status_code for _ in range(10)} == {200}


def test_a_database_that_does_not_answer_fails_readiness_but_not_liveness():
    """Production settings, PostgreSQL on a port where nothing listens: the body names the failure, and only that."""
    code = (
        "import json, time; from django.test import Client; c = Client(); "
        "live = c.get('/health/live'); t = time.monotonic(); ready = c.get('/health/ready'); "
        "print(json.dumps([live.status_code, ready.status_code, ready.content.decode(), time.monotonic() - t]))"
    )
    result = run_production(
        code,
        DATABASE_URL=f"postgres://cms:secret-password@127.0.0.1:{closed_port()}/cms",
        SECURE_SSL_REDIRECT="true",
    )
    live, status, body, seconds = last_json_line(result)
    # Over plain HTTP with the HTTPS redirect on: probes are exempt from it.
    assert (live, status) == (200, 503)
    assert json.loads(body) == {
        "status": "fail",
        "checks": {"database": "fail", "migrations": "fail", "cache": "ok", "search": "fail"},
    }
    # No exception text, host, port or password reaches the body; the log has the exception's name.
    for secret in ("Error", "127.0.0.1", "secret-password", "connection"):
        assert secret not in body
    assert "Readiness check database failed: OperationalError" in result.stderr
    assert seconds < 5


def test_the_probe_sends_an_allowed_host(test_site, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", ".example.org,localhost")
    assert probe.host_header() == "example.org"
    monkeypatch.setenv("ALLOWED_HOSTS", "*")
    assert probe.host_header() == "localhost"

    monkeypatch.setenv("PROBE_HOST", "localhost")
    healthy, said = probe.probe("ready", test_site.url)
    assert healthy, said
    assert json.loads(said) == {"status": "ok", "checks": ALL_OK}
    assert probe.main(["live", test_site.url]) == 0

    # Django's host check stands: a probe with a host name the site does not serve is refused.
    monkeypatch.setenv("PROBE_HOST", "elsewhere.example")
    assert probe.probe("ready", test_site.url)[0] is False
    assert probe.probe("ready", f"http://127.0.0.1:{closed_port()}")[0] is False
