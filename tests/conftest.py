import json
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIServer
from django.db import close_old_connections, connection, connections
from django.test.testcases import QuietWSGIRequestHandler

from api import caching, persisted
from content_models.demo_content.loader import DemoContentLoader
from publishing import reader, version
from search import statistics
from webhooks.events import EVENTS
from webhooks.models import Endpoint
from webhooks.receiver import Receiver

from .webhook_helpers import SECRET


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


@pytest.fixture(autouse=True)
def version_read_afresh():
    # Each test's transaction is rolled back: a number leased in one test means nothing in the next.
    version._forget_lease()
    yield
    version._forget_lease()


@pytest.fixture
def empty_caches():
    """Every cache of public content empty, before and after: the shared cache and each process's memos."""

    def empty():
        cache.clear()
        caching.clear_local()
        persisted.clear_local()
        reader.clear_memo()

    empty()
    yield
    empty()


@pytest.fixture
def shared_caching(monkeypatch, demo, empty_caches):
    """Sharing switched on as for real requests; tests run in transactions, where nothing is shared."""
    monkeypatch.setattr(version, "caching_allowed", lambda: True)


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


@pytest.fixture(scope="session")
def _site_server(django_db_setup, django_db_blocker):
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("127.0.0.1")
    yield server
    server.stop()


class _OnTheTestsConnection:
    """A live server that answers on the test's own database connection, one request at a time.

    What the test writes, the server sees, and what the browser makes the server write (a page an
    editor creates in the admin) is rolled back with the test, on SQLite and PostgreSQL alike. One
    request at a time, because the connection, its transaction and savepoints are shared. Django
    would close a connection that is inside a transaction at the end of each request
    (`close_old_connections`), so that is held off while the server runs.
    """

    def __init__(self):
        self.connection = connections["default"]  # the test thread's own wrapper, not the per-thread proxy
        # Media files are not served wholesale: renditions go through the site's own checking view.
        self.server = WSGIServer(("127.0.0.1", 0), QuietWSGIRequestHandler, allow_reuse_address=False)
        self.server.set_app(StaticFilesHandler(WSGIHandler()))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _serve(self):
        connections["default"] = self.connection
        self.server.serve_forever()

    def __enter__(self):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.connection.inc_thread_sharing()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        return self

    def run(self, function):
        """Call `function` on the test's connection in a thread of its own (the test's thread has Playwright's loop)."""
        outcome = {}

        def call():
            connections["default"] = self.connection
            try:
                outcome["value"] = function()
            except BaseException as error:  # handed to the test's thread
                outcome["error"] = error

        thread = threading.Thread(target=call)
        thread.start()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        self.connection.dec_thread_sharing()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def test_site(db):
    """The site over HTTP on 127.0.0.1, seeing and rolling back what this test writes (see _OnTheTestsConnection)."""
    with _OnTheTestsConnection() as server:
        yield server


@pytest.fixture
def live_site(_site_server, db):
    """The site served over HTTP on 127.0.0.1 (pytest-django's live server), with the loaded Troms content.

    Not pytest-django's `live_server` fixture: that one makes its test transactional and empties every
    table afterwards, deleting the content loaded once per run for every test after it. Here the test
    runs in a rolled-back transaction like any other. On SQLite the server shares the test's connection,
    so it also sees what the test writes; on PostgreSQL it sees committed data only.
    """
    return _site_server


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless, and quiet: no call home, no updates, no sync (this machine's network is closed anyway).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class BrowserPage:
    """A fresh page, with every request it made and every error it logged."""

    def __init__(self, page):
        self.page = page
        self.requests = []
        self.problems = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def foreign_requests(self, origin: str) -> list[str]:
        """Requests that went anywhere but `origin` (data: URLs never leave the page)."""
        return [url for url in self.requests if urlsplit(url).scheme != "data" and not url.startswith(origin + "/")]


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Kept on the test item, so a fixture can tell at teardown whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


_kept_artifacts: list[Path] = []


def pytest_sessionstart(session):
    # Screenshots are of this run's failures only.
    shutil.rmtree(ARTIFACTS, ignore_errors=True)


def pytest_terminal_summary(terminalreporter):
    if _kept_artifacts:
        terminalreporter.write_sep("-", "screenshots of failed browser tests")
        for path in _kept_artifacts:
            terminalreporter.write_line(str(path))


class Steps:
    """Screenshots of a browser test's steps, kept in test-artifacts/<test>/ only if the test fails."""

    def __init__(self, node):
        self.folder = ARTIFACTS / "".join(c if c.isalnum() or c in "-_." else "_" for c in node.nodeid)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.count = 0

    def shot(self, page, name: str):
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=self.folder / f"{self.count:02d}-{name}.png", full_page=True)

    def finish(self, failed: bool, pages):
        if failed:
            for number, page in enumerate(pages):
                self.shot(page, f"ved-feil-{number}")
            _kept_artifacts.append(self.folder)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def chromium(request):
    """Debian's chromium through Playwright; its pages are screenshotted into test-artifacts/ if the test fails.

    Yields (browser, steps). Like `browser_page`, it starts after the test's transaction and stops before
    its rollback; while it runs, the test reads the site over HTTP, not through the ORM.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: run `make browser` (make test does).", pytrace=False)
    from playwright.sync_api import sync_playwright

    steps = Steps(request.node)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser, steps
        report = getattr(request.node, "report_call", None)
        steps.finish(report is None or report.failed, [page for context in browser.contexts for page in context.pages])
        browser.close()


@pytest.fixture
def browser_page(live_site):
    """A page in Debian's chromium, driven by Playwright; never a downloaded browser. Fails, never skips, without it.

    It starts after the test's database transaction and stops before its rollback. While it runs,
    Playwright keeps an event loop on this thread, and Django would hand this thread another database
    connection (it refuses, in fact): a browser test reads the site over HTTP from `live_site`.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: run `make browser` (make test does).", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield BrowserPage(browser.new_page())
        browser.close()


@pytest.fixture
def receiver():
    """A real HTTP receiver on this machine that verifies signatures (webhooks/receiver.py)."""
    with Receiver(secret=SECRET) as running:
        yield running


@pytest.fixture
def endpoint(receiver, demo):
    """An endpoint subscribed to every event, pointing at `receiver`."""
    return Endpoint.objects.create(name="frontend", url=receiver.url, secret=SECRET, events=list(EVENTS))
