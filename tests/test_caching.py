"""Response caching: HTTP headers, ETag revalidation, and freshness after every kind of edit."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from content_models.models import ContactPerson, ThemePage, TopicPage

PAGE = 'query { page(urlPath: "/attraktive-samfunn/infrastruktur/") { title } }'
CONTACTS = "query { contactPeople { name } }"


pytestmark = pytest.mark.usefixtures("empty_caches")


@pytest.fixture
def get(client):
    def run(query, variables=None, **headers):
        params = {"query": query}
        if variables is not None:
            params["variables"] = json.dumps(variables)
        return client.get("/graphql/", params, **headers)

    return run


def title(response):
    assert response.status_code == 200, response.content
    page = response.json()["data"]["page"]
    return page and page["title"]


@pytest.mark.django_db
def test_get_is_public_cacheable_with_etag_and_revalidates_with_304(demo, get):
    first = get(PAGE)
    assert first["Cache-Control"] == "public, max-age=1"
    etag = first["ETag"]
    assert etag.startswith('"')

    revalidated = get(PAGE, HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304
    assert revalidated["ETag"] == etag
    assert revalidated.content == b""

    changed = get(PAGE, HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200
    assert changed["ETag"] == etag


@pytest.mark.django_db
def test_repeated_get_is_served_without_touching_the_database(demo, get):
    first = get(PAGE)
    with CaptureQueriesContext(connection) as queries:
        second = get(PAGE)
    assert len(queries.captured_queries) == 0
    assert second.content == first.content


@pytest.mark.django_db
def test_variables_and_operation_name_are_part_of_the_key(demo, get):
    query = "query P($path: String!) { page(urlPath: $path) { title } }"
    assert title(get(query, {"path": "/attraktive-samfunn/infrastruktur/"})) == "Infrastruktur"
    assert title(get(query, {"path": "/attraktive-samfunn/omstilling/"})) == "Omstilling"


@pytest.mark.django_db
def test_content_is_fresh_right_after_publish(demo, get):
    assert title(get(PAGE)) == "Infrastruktur"
    page = ThemePage.objects.get(slug="infrastruktur")
    page.title = "Infrastruktur og bredbånd"
    page.save_revision().publish()
    assert title(get(PAGE)) == "Infrastruktur og bredbånd"


@pytest.mark.django_db
def test_draft_save_keeps_the_cache_and_the_public_answer(demo, get):
    assert title(get(PAGE)) == "Infrastruktur"
    page = ThemePage.objects.get(slug="infrastruktur")
    page.title = "Utkast"
    page.save_revision()
    with CaptureQueriesContext(connection) as queries:
        assert title(get(PAGE)) == "Infrastruktur"
    assert len(queries.captured_queries) == 0


@pytest.mark.django_db
def test_unpublish_move_delete_and_restriction_are_fresh(demo, get):
    omstilling = 'query { page(urlPath: "/attraktive-samfunn/omstilling/") { title urlPath } }'
    assert title(get(PAGE)) == "Infrastruktur"
    ThemePage.objects.get(slug="infrastruktur").unpublish()
    assert title(get(PAGE)) is None

    assert title(get(omstilling)) == "Omstilling"
    page = ThemePage.objects.get(slug="omstilling")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="x")
    assert title(get(omstilling)) is None
    PageViewRestriction.objects.filter(page=page).delete()
    assert title(get(omstilling)) == "Omstilling"

    # Moving the page changes its public path.
    other_topic = TopicPage.objects.get(slug="attraktive-samfunn").add_sibling(
        instance=TopicPage(title="Annet", slug="annet")
    )
    other_topic.save_revision().publish()
    page.move(other_topic, pos="last-child")
    assert title(get(omstilling)) is None
    moved = get('query { page(urlPath: "/annet/omstilling/") { title } }')
    assert title(moved) == "Omstilling"

    Page.objects.get(pk=page.pk).delete()
    assert title(get('query { page(urlPath: "/annet/omstilling/") { title } }')) is None


@pytest.mark.django_db
def test_snippet_publish_and_site_change_are_fresh(demo, get):
    names = get(CONTACTS).json()["data"]["contactPeople"]
    person = ContactPerson.objects.get(name=names[0]["name"])
    person.name = "Aaa Nytt Navn"
    person.save_revision().publish()
    assert get(CONTACTS).json()["data"]["contactPeople"][0]["name"] == "Aaa Nytt Navn"

    url = 'query { page(urlPath: "/attraktive-samfunn/") { url } }'
    assert get(url).json()["data"]["page"]["url"] == "http://localhost/attraktive-samfunn/"
    site = Site.objects.get(is_default_site=True)
    site.hostname = "www.tromsfylke.no"
    site.port = 443
    site.save()
    assert get(url).json()["data"]["page"]["url"] == "https://www.tromsfylke.no/attraktive-samfunn/"


@pytest.mark.django_db
def test_post_errors_tokens_and_sessions_are_never_cached(demo, client, get):
    post = client.post("/graphql/", {"query": PAGE}, content_type="application/json")
    assert post["Cache-Control"] == "no-store"
    assert "ETag" not in post

    error = get("query { nope }")
    assert error["Cache-Control"] == "no-store"

    preview = get('query { page(urlPath: "/", token: "abc") { title } }')
    assert "public" not in preview.get("Cache-Control", "")

    client.cookies["sessionid"] = "someone"
    get(PAGE)
    with CaptureQueriesContext(connection) as queries:
        with_session = get(PAGE)
    assert len(queries.captured_queries) > 0
    assert "public" not in with_session.get("Cache-Control", "")


@pytest.mark.django_db
def test_a_cached_answer_is_not_kept_past_a_scheduled_expiry(demo, get):
    import time
    from datetime import timedelta

    from django.utils import timezone

    # Scheduled expiry sends no signal; the entry must not outlive it.
    ThemePage.objects.filter(slug="infrastruktur").update(expire_at=timezone.now() + timedelta(seconds=2))
    assert title(get(PAGE)) == "Infrastruktur"
    time.sleep(2.2)
    assert title(get(PAGE)) is None


@pytest.mark.django_db
def test_a_cached_answer_is_not_kept_past_a_contacts_scheduled_expiry(demo, get):
    import time
    from datetime import timedelta

    from django.utils import timezone

    ContactPerson.objects.filter(name="Kjetil Helstad").update(expire_at=timezone.now() + timedelta(seconds=2))
    assert "Kjetil Helstad" in get(CONTACTS).content.decode()
    time.sleep(2.2)
    assert "Kjetil Helstad" not in get(CONTACTS).content.decode()


@pytest.mark.django_db
def test_answers_set_no_cookies_so_shared_caches_can_store_them(demo, client, get):
    # graphene-django's view sets a CSRF cookie on every answer; CDNs do not store answers that set cookies.
    assert not get(PAGE).cookies
    response = client.post("/graphql/", json.dumps({"query": PAGE}), content_type="application/json")
    assert response.status_code == 200
    assert not response.cookies
