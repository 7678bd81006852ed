"""Security headers on the site, the API, GraphiQL and the admin; and every screen working under its policy."""

import json

import pytest
from django.contrib.auth.models import User
from wagtail.models import Page

from api import graphiql
from content_models.models import ContactPerson, ThemePage
from ops import headers

from .production import production_requests

COMMON = {
    "Permissions-Policy": headers.PERMISSIONS_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
}
PASSWORD = "passord-for-csp-test-123"


def assert_headers(response, policy: str):
    assert response["Content-Security-Policy"] == policy
    for name, value in COMMON.items():
        assert response[name] == value, name


def test_the_reference_site_has_the_strict_policy(client, demo):
    response = client.get("/attraktive-samfunn/infrastruktur/")
    assert response.status_code == 200
    assert_headers(response, headers.SITE_POLICY)
    assert "script-src 'self';" in headers.SITE_POLICY
    assert "unsafe" not in headers.SITE_POLICY
    assert_headers(client.get("/search/?q=Troms"), headers.SITE_POLICY)
    assert_headers(client.get("/finnes-ikke/"), headers.SITE_POLICY)


def test_the_api_may_load_nothing_and_be_framed_by_no_one(client, demo):
    response = client.post("/graphql/", json.dumps({"query": "{ __typename }"}), content_type="application/json")
    assert response.status_code == 200
    assert_headers(response, headers.API_POLICY)
    assert_headers(client.get("/graphql", {"query": "{ __typename }"}), headers.API_POLICY)


def test_graphiql_keeps_its_own_stricter_policy(client, demo):
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert_headers(response, graphiql.CONTENT_SECURITY_POLICY)


def test_the_admin_allows_inline_code_from_this_site_only(client, demo):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_headers(response, headers.ADMIN_POLICY)
    for directive in headers.ADMIN_POLICY.split("; "):
        sources = directive.split()[1:]
        assert all(source in {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"} for source in sources), directive


def test_report_only_while_trying_a_policy(client, demo, settings):
    settings.SECURITY_HEADERS = {**settings.SECURITY_HEADERS, "CONTENT_SECURITY_POLICY_REPORT_ONLY": True}
    response = client.get("/attraktive-samfunn/infrastruktur/")
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == headers.SITE_POLICY


def test_production_sends_hsts_and_the_policies_over_https():
    answers, _ = production_requests()
    found = answers["live"]
    assert found["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert found["Content-Security-Policy"] == headers.SITE_POLICY
    for name, value in COMMON.items():
        assert found[name] == value, name
    # Everything but the probes is sent to https.
    assert answers["plain"] == [301, "https://testserver/graphql/?query=%7B+__typename+%7D"]


# In the browser -----------------------------------------------------------------------------------

# Chromium reports each blocked load or inline script both ways; either is a failure.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile));
"""


NOT_FOUND = "Failed to load resource: the server responded with a status of 404"


class Watched:
    """A browser tab that keeps every CSP violation and console error, per page visited."""

    def __init__(self, context):
        # Generous: the machine running the tests may be busy with others' (a wait is over as soon as it is met).
        context.set_default_timeout(60_000)
        context.add_init_script(LISTEN)
        self.page = context.new_page()
        self.console = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.console.append(f"page error: {e}"))

    def _console(self, message):
        # A page that is not there (the 404 page itself, the favicon the site does not have) is not a policy
        # matter; a load the policy blocks is reported as «Refused to …», and as a violation.
        if message.type == "error" and not message.text.startswith(NOT_FOUND):
            self.console.append(message.text)

    def visit(self, url: str, ready=None, idle=True) -> dict:
        self.console.clear()
        response = self.page.goto(url)
        if idle:
            self.page.wait_for_load_state("networkidle")
        if ready:
            ready(self.page)
        return {
            "status": response.status,
            "policy": response.headers.get("content-security-policy"),
            "violations": self.page.evaluate("window.__csp"),
            "console": list(self.console),
        }


@pytest.fixture
def admin_screens(demo):
    """An editor to log in as, and the ids of what the screens show (read before the browser starts)."""
    User.objects.create_superuser("csp", "csp@example.no", PASSWORD)
    return {
        "theme": ThemePage.objects.get(slug="infrastruktur").pk,
        "person": ContactPerson.objects.get(name="Kjetil Helstad").pk,
        "root": Page.objects.get(depth=2).pk,
    }


@pytest.mark.browser
def test_site_admin_and_graphiql_work_under_their_policies(test_site, admin_screens, chromium):
    browser, steps = chromium
    theme, person, root = admin_screens["theme"], admin_screens["person"], admin_screens["root"]
    tab = Watched(browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO"))
    url = test_site.url

    found = {}
    for path in ("/", "/attraktive-samfunn/infrastruktur/", "/search/?q=Troms", "/finnes-ikke/"):
        found[path] = tab.visit(url + path)

    found["/graphql/"] = tab.visit(
        url + "/graphql/", ready=lambda page: page.locator(".graphiql-query-editor .CodeMirror").wait_for()
    )

    found["/admin/login/"] = tab.visit(url + "/admin/login/")
    tab.page.locator("#id_username").fill("csp")
    tab.page.locator("#id_password").fill(PASSWORD)
    tab.page.get_by_role("button", name="Logg inn").click()
    tab.page.wait_for_url(url + "/admin/")
    steps.shot(tab.page, "innlogget")
    admin_screens = (
        "/admin/",
        f"/admin/pages/{root}/",
        f"/admin/pages/{theme}/edit/",
        f"/admin/snippets/content_models/contactperson/edit/{person}/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/users/",
    )
    for path in admin_screens:
        found[path] = tab.visit(url + path)
    # The site as an editor sees it: with Wagtail's user bar (its own files, under the site's policy).
    found["/ (editor)"] = tab.visit(
        url + "/", ready=lambda page: page.locator("wagtail-userbar").wait_for(state="attached")
    )
    # The editor's own scripts ran: StreamField drew its blocks, Draftail its toolbar.
    tab.visit(url + f"/admin/pages/{theme}/edit/", ready=lambda page: page.locator(".Draftail-Editor").first.wait_for())
    # The live preview: the page in a frame of the admin's own.
    tab.page.get_by_role("button", name="Forhåndsvis").first.click()
    tab.page.frame_locator("iframe").first.locator("h1").first.wait_for()
    found["preview"] = {"violations": tab.page.evaluate("window.__csp"), "console": list(tab.console)}
    steps.shot(tab.page, "forhandsvisning")

    problems = {path: (seen["violations"], seen["console"]) for path, seen in found.items()}
    assert problems == {path: ([], []) for path in found}
    for path, seen in found.items():
        if path == "preview":
            continue
        policies = {"/admin/": headers.ADMIN_POLICY, "/graphql/": graphiql.CONTENT_SECURITY_POLICY}
        expected = next((p for prefix, p in policies.items() if path.startswith(prefix)), headers.SITE_POLICY)
        assert seen["policy"] == expected, path
        assert seen["status"] == (404 if path == "/finnes-ikke/" else 200), path


@pytest.mark.browser
def test_the_watch_sees_a_violation(test_site, demo, chromium):
    """The check above can fail: an inline script on a site page is blocked and reported."""
    browser, _ = chromium
    tab = Watched(browser.new_context())
    tab.visit(test_site.url + "/")
    tab.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.head.append(s); }"
    )
    tab.page.wait_for_function("window.__csp.length > 0")
    assert tab.page.evaluate("window.ran") is None
    assert tab.page.evaluate("window.__csp")[0].startswith("script-src")
