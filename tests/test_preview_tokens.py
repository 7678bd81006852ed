import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import signing
from django.test import RequestFactory

from content_models.models import PreviewSnapshot, ThemePage
from content_models.preview_tokens import create_token

pytestmark = pytest.mark.django_db

QUERY = """query($token: String, $path: String, $id: ID) {
  page(token: $token, urlPath: $path, id: $id) { title ... on ThemePage { intro } }
}"""


def draft_of_infrastructure():
    page = ThemePage.objects.get(slug="infrastruktur")
    page.title = "Infrastruktur (utkast)"
    page.intro = "Ny ingress som ikke er publisert."
    return page


def test_token_returns_the_previewed_draft_only_with_it(gql, demo):
    token = create_token(draft_of_infrastructure())
    assert gql(QUERY, {"token": token})["data"]["page"] == {
        "title": "Infrastruktur (utkast)",
        "intro": "Ny ingress som ikke er publisert.",
    }
    # Without the token the public still sees the published page.
    public = gql(QUERY, {"path": "/attraktive-samfunn/infrastruktur/"})["data"]["page"]
    assert public == {"title": "Infrastruktur", "intro": ""}


def test_token_with_the_matching_page_lookup_is_accepted(gql, demo):
    page = draft_of_infrastructure()
    token = create_token(page)
    response = gql(QUERY, {"token": token, "path": "/attraktive-samfunn/infrastruktur/", "id": str(page.pk)})
    assert response["data"]["page"]["title"] == "Infrastruktur (utkast)"


def test_token_reused_for_another_page_is_refused(gql, demo):
    token = create_token(draft_of_infrastructure())
    other = ThemePage.objects.get(slug="omstilling")
    for variables in ({"path": "/attraktive-samfunn/omstilling/"}, {"id": str(other.pk)}):
        response = gql(QUERY, {"token": token, **variables})
        assert response["data"]["page"] is None
        assert response["errors"][0]["message"] == "This preview token is for another page."


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "id=4:abc:def",
        lambda token: signing.TimestampSigner(salt="wrong").sign_object({"k": "x", "p": 1}),
        lambda token: signing.dumps({"k": "x", "p": 1}),
        lambda token: "",
        lambda token: "x" * 5000,
    ],
)
def test_forged_tokens_are_refused(gql, demo, forge):
    token = create_token(draft_of_infrastructure())
    response = gql(QUERY, {"token": forge(token)})
    assert response["data"]["page"] is None
    assert response["errors"][0]["message"] == "Invalid preview token."


def test_token_signed_for_a_deleted_snapshot_is_refused(gql, demo):
    token = create_token(draft_of_infrastructure())
    PreviewSnapshot.objects.all().delete()
    assert gql(QUERY, {"token": token})["errors"][0]["message"] == "Invalid preview token."


def test_tokens_expire(gql, demo, settings, monkeypatch):
    settings.API = {**settings.API, "PREVIEW_TOKEN_MAX_AGE": 60}
    token = create_token(draft_of_infrastructure())
    assert gql(QUERY, {"token": token})["data"]["page"] is not None
    later = time.time() + 61
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = gql(QUERY, {"token": token})
    assert response["data"]["page"] is None
    assert "expired" in response["errors"][0]["message"]


def test_expired_snapshots_are_removed(demo, settings):
    settings.API = {**settings.API, "PREVIEW_TOKEN_MAX_AGE": 60}
    create_token(draft_of_infrastructure())
    PreviewSnapshot.objects.update(created_at="2000-01-01T00:00:00Z")
    create_token(draft_of_infrastructure())
    assert PreviewSnapshot.objects.count() == 1


def test_admin_preview_opens_the_frontend_with_a_token(gql, demo, settings, admin_user):
    settings.API = {**settings.API, "PREVIEW_FRONTEND_URL": "https://frontend.example/preview"}
    request = RequestFactory().get("/admin/pages/preview/")
    request.user = admin_user
    response = draft_of_infrastructure().serve_preview(request, "")
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://frontend.example/preview"
    token = parse_qs(location.query)["token"][0]
    assert gql(QUERY, {"token": token})["data"]["page"]["title"] == "Infrastruktur (utkast)"


def test_without_a_frontend_the_preview_renders_the_reference_html(demo, admin_user):
    request = RequestFactory().get("/admin/pages/preview/")
    request.user = admin_user
    response = draft_of_infrastructure().serve_preview(request, "")
    response.render()
    assert "Infrastruktur (utkast)" in response.content.decode()
