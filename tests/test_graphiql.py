"""GraphiQL is served by this site alone: its files, its page, a real browser running a query."""

import base64
import hashlib
import json
import re
import secrets
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core import checks
from django.templatetags.static import static

from api import graphiql

from .test_settings import run_manage

ASSETS = (*graphiql.STYLES, *graphiql.SCRIPTS)


class _Sources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def graphiql_page(client):
    return client.get("/graphql/", HTTP_ACCEPT="text/html")


def test_page_loads_only_this_sites_static_files(client, demo):
    response = graphiql_page(client)
    assert response.status_code == 200
    parser = _Sources()
    parser.feed(response.content.decode())
    assert parser.urls, "the page loads no files"
    for url in parser.urls:
        # data: URLs are part of the page itself.
        assert url.startswith(("/static/", "data:")), url
    for asset in ASSETS:
        assert static(asset.path) in parser.urls


def test_page_sends_a_content_security_policy_it_keeps(client, demo):
    response = graphiql_page(client)
    policy = response["Content-Security-Policy"]
    for directive in ("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'"):
        assert f"{directive};" in policy
    # Every script is a file; the settings travel as a JSON data block, which browsers do not run.
    html = response.content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in html
    assert "style=" not in html


def test_files_are_the_ones_graphene_django_pins(client):
    # graphene-django's page names each file by version and hash: the copies are those very bytes.
    for asset in ASSETS:
        path = finders.find(asset.path)
        assert path, f"{asset.path} is missing: run `make assets`"
        digest = base64.b64encode(hashlib.sha256(Path(path).read_bytes()).digest()).decode()
        assert asset.integrity == f"sha256-{digest}", asset.path


def test_check_names_the_command_when_files_are_missing(settings, monkeypatch):
    settings.API = {**settings.API, "GRAPHIQL": True}
    assert graphiql.check_assets() == []
    monkeypatch.setattr(finders, "find", lambda path: None)
    [error] = graphiql.check_assets()
    assert error.level == checks.ERROR
    assert "make assets" in error.hint
    settings.API = {**settings.API, "GRAPHIQL": False}
    assert graphiql.check_assets() == []


def test_production_settings_keep_graphiql_off():
    code = (
        "from django.test import Client; "
        "r = Client().get('/graphql/', HTTP_ACCEPT='text/html', secure=True); "
        "print(r.status_code, b'graphiql' in r.content.lower())"
    )
    result = run_manage(
        "shell", "--no-imports", "-c", code, SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="testserver"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["400", "False"]


QUERY = "{ pages { title urlPath } }"


def post_query(site_url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{site_url}/graphql/", data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


@pytest.mark.browser
def test_graphiql_runs_a_query_in_a_browser_without_leaving_the_machine(live_site, browser_page):
    page = browser_page.page
    with page.expect_response(lambda r: "IntrospectionQuery" in (r.request.post_data or "")) as introspection:
        page.goto(f"{live_site.url}/graphql/")
    # The schema came through introspection, so the editor knows the types (docs, completion).
    assert "__schema" in introspection.value.json()["data"]

    editor = page.locator(".graphiql-query-editor .CodeMirror")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(QUERY)
    page.get_by_role("button", name=re.compile("Execute query")).click()

    response_pane = page.locator(".graphiql-response .CodeMirror")
    response_pane.get_by_text("Attraktive samfunn").first.wait_for()
    shown = page.evaluate("document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()")
    assert json.loads(shown) == post_query(live_site.url, QUERY)
    assert browser_page.foreign_requests(live_site.url) == []
    assert browser_page.problems == []
