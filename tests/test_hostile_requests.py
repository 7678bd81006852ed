"""The hostile review's requests: each refused with a clear error in under a second, or answered in budget.

Also the smaller findings: memory kept per request, cookies on public answers,
error texts, odd URLs and bodies, password guessing, preview tokens, media.
"""

import hashlib
import json
import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from api import documents
from content_models.models import ThemePage
from content_models.preview_tokens import create_token
from publishing import reader

pytestmark = pytest.mark.django_db

HUGE = (
    "{ "
    + " ".join(
        f'a{i}: pages(limit: 100, contentType: "content_models.TopicPage") {{ children {{ title breadcrumbs {{ title url }} }} }}'
        for i in range(29)
    )
    + " }"
)


def post(client, query, variables=None, **extra):
    started = time.monotonic()
    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **extra,
    )
    assert time.monotonic() - started < 1.0
    return response


def first_error(response) -> str:
    return response.json()["errors"][0]["message"]


def test_a_small_query_asking_for_a_huge_answer_is_refused_with_its_cost(client, demo):
    response = post(client, HUGE)
    assert response.status_code == 400
    message = first_error(response)
    assert message.startswith("Query cost ")
    assert "over the budget of 1,000,000" in message


def test_the_cost_follows_the_limits_sent_as_variables(client, demo):
    query = "query($n: Int) { pages(limit: $n) { children(limit: $n) { children(limit: $n) { title } } } }"
    assert post(client, query, {"n": 10}).status_code == 200
    assert "over the budget" in first_error(post(client, query, {"n": 100}))
    # Costs are kept per document and limits sent: neither answer leaks into the other.
    assert post(client, query, {"n": 10}).status_code == 200
    assert "over the budget" in first_error(post(client, query, {"n": 100}))
    assert "over the budget" in first_error(post(client, query.replace("query(", "query Named("), {"n": 100}))


def test_children_are_read_in_windows(client, demo):
    query = 'query($l: Int, $o: Int) { page(urlPath: "/attraktive-samfunn/") { children(limit: $l, offset: $o) { title } } }'
    titles = [c["title"] for c in post(client, query, {"l": 2, "o": 1}).json()["data"]["page"]["children"]]
    assert titles == ["Næringsutvikling og kompetanse", "Infrastruktur"]
    assert first_error(post(client, query, {"l": 101, "o": 0})) == "`limit` must be between 1 and 100, got 101."


def test_an_answer_over_the_size_cap_is_refused(client, demo, settings):
    settings.API = {**settings.API, "LIMITS": {"MAX_RESPONSE_BYTES": 200}}
    response = post(client, "{ pages { title intro: title urlPath } }")
    assert response.status_code == 400
    assert first_error(response) == "The answer would be larger than 200 bytes: ask for fewer items or fields."


def test_rejected_documents_are_not_kept(client, demo):
    documents.clear()
    for number in range(300):
        post(client, f"{{ nothing{number} " + "x" * 2000 + " }")
    assert documents.cache_info().bytes == 0
    # Valid, but over the cost budget: thirty aliased searches with ever-new words.
    for number in range(20):
        aliases = " ".join(
            f'a{i}: siteSearch(query: "kommune {number}x{i}", limit: 100) {{ totalCount }}' for i in range(30)
        )
        assert "over the budget" in first_error(post(client, "{ " + aliases + " }"))
    assert documents.cache_info().bytes == 0
    post(client, "{ organisation { name } }")
    assert documents.cache_info().bytes > 0


def test_oversized_arguments_are_refused_before_any_lookup(client, demo, shared_caching):
    before = reader.memo_pool().bytes
    for argument in ("slug", "urlPath"):
        response = post(client, f"query($v: String) {{ page({argument}: $v) {{ title }} }}", {"v": "x" * 2_000_000})
        assert "must be at most" in first_error(response)
    assert reader.memo_pool().bytes == before


def test_error_messages_quote_only_a_short_prefix_of_the_input(client, demo):
    name = "f" * 5000
    message = first_error(post(client, f"{{ {name} }}"))
    assert len(message) < 200
    assert "f" * 40 + "…" in message


def test_no_field_suggestions_when_introspection_is_off(client, demo, settings):
    assert "Did you mean" in first_error(post(client, "{ pages { titel } }"))
    settings.API = {**settings.API, "INTROSPECTION": False}
    message = first_error(post(client, "{ pages { titel } }"))
    assert message == "Cannot query field 'titel' on type 'PageInterface'."


def test_a_malformed_csrf_cookie_puts_no_cookie_on_a_public_answer(client, demo):
    client.cookies["csrftoken"] = "x" * 40
    response = client.get("/graphql/", {"query": "{ pages { title } }"})
    assert response["Cache-Control"] == "public, max-age=1"
    assert not response.cookies


def test_a_body_that_is_not_utf8_is_a_clear_400(client, demo):
    for content_type in ("application/json", "application/graphql"):
        response = client.post("/graphql/", data=b'{"query": "{ pages { title } }\xff"}', content_type=content_type)
        assert response.status_code == 400
        assert first_error(response) == "The request body must be UTF-8 text."


def test_the_endpoint_answers_without_its_slash(client, demo):
    response = client.post("/graphql", json.dumps({"query": "{ __typename }"}), content_type="application/json")
    assert response.json() == {"data": {"__typename": "Query"}}


def test_automatic_persisted_queries_keep_only_cheap_valid_documents_and_so_many_a_day(client, demo, settings):
    cache.clear()

    def register(query):
        digest = hashlib.sha256(query.encode()).hexdigest()
        extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})
        client.get("/graphql/", {"query": query, "extensions": extensions})
        again = client.get("/graphql/", {"extensions": extensions}).json()
        return "errors" not in again

    assert register("{ pages { title } }")
    assert not register(HUGE)
    settings.API = {**settings.API, "PERSISTED_QUERY_MAX_PER_DAY": 1}
    assert not register("{ pages { urlPath } }")


def test_password_guessing_is_slowed_on_the_admin_and_page_password_forms(client, demo, settings):
    settings.LOGIN_THROTTLE = {"ATTEMPTS": 3, "WINDOW_SECONDS": 60}
    cache.clear()
    for _ in range(3):
        assert client.post("/admin/login/", {"username": "ola", "password": "feil"}).status_code == 200
    blocked = client.post("/admin/login/", {"username": "ola", "password": "feil"})
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "60"
    # Another user name from the same client is counted apart.
    assert client.post("/admin/login/", {"username": "kari", "password": "feil"}).status_code == 200

    page = ThemePage.objects.get(slug="omstilling")
    restriction = PageViewRestriction.objects.create(page=page, restriction_type="password", password="riktig")
    url = f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
    for _ in range(3):
        assert client.post(url, {"password": "feil", "return_url": "/"}).status_code == 200
    assert client.post(url, {"password": "riktig", "return_url": "/"}).status_code == 429


def test_a_right_password_clears_the_count(client, demo, settings):
    settings.LOGIN_THROTTLE = {"ATTEMPTS": 3, "WINDOW_SECONDS": 60}
    cache.clear()
    page = ThemePage.objects.get(slug="omstilling")
    restriction = PageViewRestriction.objects.create(page=page, restriction_type="password", password="riktig")
    url = f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
    for _ in range(2):
        client.post(url, {"password": "feil", "return_url": "/"})
    assert client.post(url, {"password": "riktig", "return_url": "/"}).status_code == 302
    for _ in range(2):
        assert client.post(url, {"password": "feil", "return_url": "/"}).status_code == 200


@pytest.mark.parametrize("decision", ["publish", "unpublish"])
def test_a_preview_token_ends_when_the_page_is_published_or_unpublished(gql, demo, decision):
    page = ThemePage.objects.get(slug="infrastruktur")
    page.title = "Utkast"
    token = create_token(page)
    query = "query($t: String) { page(token: $t) { title } }"
    assert gql(query, {"t": token})["data"]["page"]["title"] == "Utkast"
    if decision == "publish":
        page.save_revision().publish()
    else:
        page.unpublish()
    assert gql(query, {"t": token})["errors"][0]["message"] == "Invalid preview token."


def test_the_access_log_leaves_out_query_strings():
    from pathlib import Path

    from django.conf import settings

    config: dict = {}
    exec(Path(settings.BASE_DIR / "gunicorn.conf.py").read_text(), config)  # noqa: S102 (our own config file)
    assert "%(U)s" in config["access_log_format"]
    assert "%(r)s" not in config["access_log_format"]
    assert "%(q)s" not in config["access_log_format"]


@override_settings(DEBUG=False)
def test_renditions_of_public_images_are_served_and_nothing_else_of_the_media_folder(client, demo, gql):
    Image = get_image_model()
    public = Image.objects.create(title="Offentlig", file=get_test_image_file())
    restricted_collection = Collection.get_first_root_node().add_child(name="Intern")
    CollectionViewRestriction.objects.create(collection=restricted_collection, restriction_type="login")
    private = Image.objects.create(title="Intern", file=get_test_image_file(), collection=restricted_collection)

    public_url = public.get_rendition("max-480x480|format-webp").url
    private_url = private.get_rendition("max-480x480|format-webp").url
    served = client.get(public_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    assert client.get(private_url).status_code == 404
    assert client.get(public.file.url).status_code == 404  # originals never
    assert client.get("/media/images/finnes-ikke.webp").status_code == 404
