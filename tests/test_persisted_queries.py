"""Apollo-compatible automatic persisted queries over GET and POST, and the allow-list mode."""

import hashlib
import json

import pytest
from django.core.management import call_command
from wagtail.models import Page

from api import persisted
from api.models import PersistedQuery

from .processes import free_port

QUERY = 'query Theme { page(urlPath: "/attraktive-samfunn/infrastruktur/") { title } }'
HASH = hashlib.sha256(QUERY.encode()).hexdigest()


pytestmark = pytest.mark.usefixtures("empty_caches")


def extensions(digest=HASH, version=1):
    return json.dumps({"persistedQuery": {"version": version, "sha256Hash": digest}})


@pytest.fixture
def get(client):
    def run(**params):
        return client.get("/graphql/", params)

    return run


@pytest.fixture
def only_persisted(settings):
    settings.API = {**settings.API, "PERSISTED_QUERIES_ONLY": True}


@pytest.mark.django_db
def test_unknown_hash_is_persisted_query_not_found_and_not_cacheable(demo, get):
    response = get(extensions=extensions())
    assert response.status_code == 200
    assert response.json() == {
        "errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]
    }
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_apollo_flow_register_then_get_by_hash(demo, client, get):
    assert get(extensions=extensions()).json()["errors"][0]["message"] == "PersistedQueryNotFound"
    # Apollo's retry: the same request with the query text added.
    registered = get(query=QUERY, extensions=extensions())
    assert registered.json() == {"data": {"page": {"title": "Infrastruktur"}}}

    by_hash = get(extensions=extensions())
    assert by_hash.json() == {"data": {"page": {"title": "Infrastruktur"}}}
    assert by_hash["Cache-Control"].startswith("public")
    assert client.get("/graphql/", {"extensions": extensions()}, HTTP_IF_NONE_MATCH=by_hash["ETag"]).status_code == 304


@pytest.mark.django_db
def test_register_over_post_with_variables(demo, client, get):
    query = "query P($path: String!) { page(urlPath: $path) { title } }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    body = {
        "query": query,
        "variables": {"path": "/attraktive-samfunn/omstilling/"},
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}},
    }
    posted = client.post("/graphql/", body, content_type="application/json")
    assert posted.json() == {"data": {"page": {"title": "Omstilling"}}}

    response = get(extensions=extensions(digest), variables=json.dumps({"path": "/attraktive-samfunn/infrastruktur/"}))
    assert response.json() == {"data": {"page": {"title": "Infrastruktur"}}}


@pytest.mark.django_db
def test_hash_mismatch_and_bad_extension_are_rejected(demo, get):
    mismatch = get(query=QUERY, extensions=extensions("0" * 64))
    assert mismatch.status_code == 400
    assert mismatch.json()["errors"][0]["message"] == "provided sha does not match query"
    assert get(extensions=extensions(version=2)).status_code == 400
    assert get(extensions=extensions("not-a-hash")).status_code == 400


@pytest.mark.django_db
def test_invalid_documents_are_not_registered(demo, get):
    bad = "query { nope }"
    digest = hashlib.sha256(bad.encode()).hexdigest()
    assert "errors" in get(query=bad, extensions=extensions(digest)).json()
    assert get(extensions=extensions(digest)).json()["errors"][0]["message"] == "PersistedQueryNotFound"


@pytest.mark.django_db
def test_allow_list_mode_runs_only_registered_documents(demo, get, only_persisted, tmp_path):
    plain = get(query=QUERY)
    assert plain.status_code == 400
    assert plain.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
    # Clients cannot add to the list themselves.
    assert get(query=QUERY, extensions=extensions()).status_code == 400
    assert get(extensions=extensions()).json()["errors"][0]["message"] == "PersistedQueryNotFound"

    document = tmp_path / "theme.graphql"
    document.write_text(QUERY, encoding="utf-8")
    call_command("register_persisted_queries", str(document))
    assert PersistedQuery.objects.get(sha256=HASH).name == "theme"
    assert get(extensions=extensions()).json() == {"data": {"page": {"title": "Infrastruktur"}}}


@pytest.mark.django_db
def test_automatic_registrations_do_not_leak_into_allow_list_mode(demo, get, settings):
    get(query=QUERY, extensions=extensions())
    assert "data" in get(extensions=extensions()).json()
    settings.API = {**settings.API, "PERSISTED_QUERIES_ONLY": True}
    assert get(extensions=extensions()).json()["errors"][0]["message"] == "PersistedQueryNotFound"


@pytest.mark.django_db
def test_a_repeated_url_is_answered_without_lookups_and_stays_fresh(demo, get, monkeypatch, django_assert_num_queries):
    get(query=QUERY, extensions=extensions())
    assert get(extensions=extensions()).json() == {"data": {"page": {"title": "Infrastruktur"}}}

    def must_not_run(*args, **kwargs):
        raise AssertionError("the persisted-query lookup ran for a URL answered before")

    monkeypatch.setattr(persisted, "resolve", must_not_run)
    with django_assert_num_queries(0):
        repeated = get(extensions=extensions())
    assert repeated.json() == {"data": {"page": {"title": "Infrastruktur"}}}
    assert repeated["ETag"]
    monkeypatch.undo()

    page = Page.objects.get(slug="infrastruktur").specific
    page.title = "Infrastruktur og samferdsel"
    page.save_revision().publish()
    assert get(extensions=extensions()).json() == {"data": {"page": {"title": "Infrastruktur og samferdsel"}}}


@pytest.mark.django_db
def test_a_document_taken_off_the_allow_list_stops_being_answered(demo, get, only_persisted, tmp_path):
    document = tmp_path / "theme.graphql"
    document.write_text(QUERY, encoding="utf-8")
    call_command("register_persisted_queries", str(document))
    assert get(extensions=extensions()).json() == {"data": {"page": {"title": "Infrastruktur"}}}
    assert get(extensions=extensions()).json() == {"data": {"page": {"title": "Infrastruktur"}}}

    PersistedQuery.objects.get(sha256=HASH).delete()
    assert get(extensions=extensions()).json()["errors"][0]["message"] == "PersistedQueryNotFound"


@pytest.mark.django_db
def test_a_document_taken_off_the_allow_list_while_the_cache_is_unreachable_stays_off(
    get, only_persisted, shared_caching, settings, tmp_path
):
    document = tmp_path / "theme.graphql"
    document.write_text(QUERY, encoding="utf-8")
    call_command("register_persisted_queries", str(document))
    assert get(extensions=extensions()).json() == {"data": {"page": {"title": "Infrastruktur"}}}
    assert get(extensions=extensions()).json() == {"data": {"page": {"title": "Infrastruktur"}}}

    # Removed while the shared cache is out of reach (a Redis on a port where nothing listens): nothing
    # the removal tells the cache arrives. The cache then comes back holding what it held.
    reachable = settings.CACHES
    settings.CACHES = {"default": {**UNREACHABLE_REDIS, "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}
    PersistedQuery.objects.get(sha256=HASH).delete()
    settings.CACHES = reachable

    assert get(extensions=extensions()).json()["errors"][0]["message"] == "PersistedQueryNotFound"


UNREACHABLE_REDIS = {
    "BACKEND": "django_redis.cache.RedisCache",
    "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
}
