"""The real thing: `manage.py worker` and a web server as separate processes on one database.

No Redis and no shared memory: what one process changes reaches the other
only through the database. Each test copies the test database (schema and
Troms content) to one the subprocesses can open, and makes its changes
through `manage.py` in subprocesses too, as an editor's request would.
"""

import signal
import time

import pytest
from django.db import connection

from webhooks import signing
from webhooks.receiver import Receiver

from .processes import api_title, base_env, free_port, get, managed, run_manage, wait_until
from .webhook_helpers import SECRET

# Periodic work runs every second here, instead of every 10 s.
WORKER_ENV = {
    "TASKS_BACKEND": "database",
    # Separate processes: each sees the others' changes within production's version lease.
    "GRAPHQL_CONTENT_VERSION_TTL": "0.25",
    "SCHEDULED_PUBLISHING_INTERVAL": "1",
    "WORKER_BEAT_INTERVAL": "0.2",
    "WEBHOOKS_RESUME_INTERVAL": "1",
    # The first retry waits long enough for the restart test to stop the worker before it; the window
    # (their sum) outlasts the restart.
    "WEBHOOKS_RETRY_DELAYS": "4,1,60",
}


@pytest.fixture(scope="module")
def process_database(django_db_blocker, tmp_path_factory):
    """A database of its own, migrated and holding the Troms content, that other processes can open.

    Not the test database: each test there runs in a transaction no other process can see.
    """
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('processes') / 'db.sqlite3'}"
        manage(url, "migrate", "--noinput")
        manage(url, "load_demo_content")
        yield url
        return
    name = f"test_{source['NAME']}_processes"
    url = f"postgres://{source['USER']}:{source['PASSWORD'] or ''}@{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}/{name}"
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        manage(url, "migrate", "--noinput")
        manage(url, "load_demo_content")
        yield url
    finally:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(database_url: str) -> dict:
    return base_env(database_url, **WORKER_ENV)


def manage(database_url: str, *args: str) -> str:
    return run_manage(_env(database_url), *args)


def shell(database_url: str, code: str) -> str:
    return manage(database_url, "shell", "--no-imports", "-c", code)


def process(database_url: str, *args: str):
    return managed(_env(database_url), *args)


def worker(database_url: str):
    return process(database_url, "worker", "--no-reload", "--no-startup-delay")


SCHEDULE_PAGE = """
from datetime import timedelta
from django.utils import timezone
from wagtail.models import Page
from content_models.models import ThemePage
topic = Page.objects.get(slug="attraktive-samfunn")
page = topic.add_child(instance=ThemePage(title="Planlagt", slug="planlagt", live=False))
page.title = "Planlagt"
page.go_live_at = timezone.now() + timedelta(seconds=4)
page.save_revision().publish()
page.refresh_from_db()
assert not page.live
print(page.go_live_at.timestamp())
"""


def test_a_scheduled_page_goes_live_on_its_own_everywhere(process_database):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with Receiver(secret=SECRET) as receiver:
        manage(process_database, "webhooks", "add", "--name", "go-live", "--url", receiver.url, "--secret", SECRET)
        with process(process_database, "runserver", f"127.0.0.1:{port}", "--noreload"), worker(process_database):
            wait_until(lambda: get(f"{base}/graphql/?query=%7B__typename%7D")[0] == 200, 60)
            go_live_at = float(shell(process_database, SCHEDULE_PAGE).split()[-1])

            # Scheduled, not live: the web process does not serve it, and nothing was announced.
            assert api_title(base, "/attraktive-samfunn/planlagt/") is None
            assert get(f"{base}/attraktive-samfunn/planlagt/")[0] == 404
            assert receiver.received == []

            def live_in_api():
                return api_title(base, "/attraktive-samfunn/planlagt/") == "Planlagt"

            wait_until(live_in_api, 30, interval=0.05)
            seen_after = time.time() - go_live_at
            [request] = receiver.wait_for(1, timeout=10)
            html_status, html = get(f"{base}/attraktive-samfunn/planlagt/")
        manage(process_database, "webhooks", "remove", "go-live")

    # The worker's periodic job runs every second here (10 s by default); the web process sees its change within
    # the content version's 0.25 s, through the database alone.
    assert 0 <= seen_after < 6
    assert html_status == 200
    assert "Planlagt" in html.decode()
    assert request.signature_valid
    assert request.headers[signing.EVENT_HEADER] == "page.published"
    assert request.json["paths"] == ["/attraktive-samfunn/planlagt/", "/attraktive-samfunn/"]
    assert request.at - go_live_at < 6


PUBLISH = """
from wagtail.models import Page
page = Page.objects.get(slug="{slug}").specific
page.title = page.title + " (ny)"
page.save_revision().publish()
print(page.pk)
"""


def test_retries_and_a_worker_restart_lose_nothing_and_keep_order(process_database):
    with Receiver(secret=SECRET, statuses=[500, 500]) as receiver:
        manage(process_database, "webhooks", "add", "--name", "restart", "--url", receiver.url, "--secret", SECRET)
        with worker(process_database) as first:
            first_page = int(shell(process_database, PUBLISH.format(slug="infrastruktur")).split()[-1])
            receiver.wait_for(1, timeout=20)
            # Stopped while the first delivery waits for its retry.
            first.send_signal(signal.SIGTERM)
            first.wait(timeout=15)
            stopped_at = time.time()
        later_pages = [
            int(shell(process_database, PUBLISH.format(slug=slug)).split()[-1])
            for slug in ("omstilling", "naringsutvikling-og-kompetanse")
        ]
        time.sleep(1.5)
        assert [r.at < stopped_at for r in receiver.received] == [True]  # no worker, nothing more sent
        with worker(process_database):
            received = receiver.wait_for(5, timeout=30)
    assert [r.status for r in received] == [500, 500, 200, 200, 200]
    assert [r.json["items"][0]["id"] for r in received] == [first_page] * 3 + later_pages
    assert all(r.signature_valid for r in received)
    assert len({r.json["id"] for r in received}) == 3
    status = shell(
        process_database,
        "from webhooks.models import Delivery; "
        "print(sorted((d.status, d.attempts, d.attempt_log.count()) "
        "for d in Delivery.objects.filter(endpoint__name='restart')))",
    )
    assert status.strip().splitlines()[-1] == "[('succeeded', 1, 1), ('succeeded', 1, 1), ('succeeded', 3, 3)]"
