"""Faults that happen in real operation, made to happen: PostgreSQL restarted, Redis gone, a worker killed.

Each test runs the site as production does (gunicorn with gunicorn.conf.py,
the production settings, `manage.py worker`) against a PostgreSQL cluster and
a Redis of its own (tests/services.py), and stops, pauses and starts those.
The machine's shared PostgreSQL and Redis are never touched. The cluster is
made once per run, holding a copy of the test database (migrated, the Troms
content loaded: `django_db_setup`); each test gets a fresh copy of that.
"""

import json
import pickle
import secrets
import signal
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from webhooks import signing
from webhooks.receiver import Receiver

from .processes import base_env, get, gunicorn, managed, post_query, run_manage, wait_until
from .services import PrivatePostgres, PrivateRedis, restarted
from .webhook_helpers import SECRET

# django_db: the private cluster starts as a copy of the test database, so that must be made even when
# these are the only tests run.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PAGE = "/attraktive-samfunn/infrastruktur/"


@pytest.fixture(scope="session")
def private_postgres(django_db_setup):
    source = connection.settings_dict
    source_url = (
        f"postgres://{source['USER']}:{source['PASSWORD'] or ''}@{source['HOST'] or '127.0.0.1'}:"
        f"{source['PORT'] or 5432}/{source['NAME']}"
    )
    postgres = PrivatePostgres(Path(tempfile.mkdtemp(prefix="cms-faults-pg-")))
    try:
        postgres.init()
        postgres.start()
        # Copied, not migrated afresh: the same schema and content in seconds instead of a minute.
        postgres.copy_database(source_url, "troms")
        yield postgres
    finally:
        postgres.remove()


@pytest.fixture
def database(private_postgres):
    """A copy of the migrated database with the Troms content, for this test alone."""
    name = f"site_{uuid.uuid4().hex[:12]}"
    private_postgres.psql(f"CREATE DATABASE {name} TEMPLATE troms")
    yield private_postgres.url(name)
    private_postgres.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.remove()


def production(database_url: str, tmp_path: Path, **extra: str) -> dict:
    """The production settings, on the private services."""
    return base_env(
        database_url,
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        MEDIA_ROOT=str(tmp_path / "media"),
        TASKS_BACKEND="database",
        WEBHOOKS_ALLOWED_PRIVATE_HOSTS="127.0.0.1",
        **extra,
    )


def title_query(path: str = PAGE) -> str:
    return f'{{ page(urlPath: "{path}") {{ title }} }}'


def get_title(base: str, query: str) -> tuple[int, str | None]:
    status, body = get(f"{base}/graphql/?{urllib.parse.urlencode({'query': query})}")
    if status != 200:
        return status, None
    answer = json.loads(body)
    assert not answer.get("errors"), answer
    page = answer["data"]["page"]
    return status, page and page["title"]


RENAME = """
from wagtail.models import Page
page = Page.objects.get(url_path__endswith="{slug}/").specific
page.title = "{title}"
page.save_revision().publish()
"""


def rename(env: dict, slug: str, title: str):
    run_manage(env, "shell", "--no-imports", "-c", RENAME.format(slug=slug, title=title))


# PostgreSQL restarted ------------------------------------------------------------------------------------------


class Load:
    """Clients sending uncached queries without pause; each answer is checked and timed."""

    def __init__(self, base: str, clients: int = 4):
        self.base = base
        self.results: list[tuple[float, float, bool]] = []
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(clients)]

    def _client(self):
        while not self.stopped.is_set():
            # A path never asked before: the answer must come from the database, not from a memo.
            query = (
                f'{{ a: page(urlPath: "{PAGE}") {{ title }} b: page(urlPath: "/x-{uuid.uuid4().hex}/") {{ title }} }}'
            )
            began = time.time()
            status, body = post_query(self.base, query, timeout=10)
            ok = False
            if status == 200:
                answer = json.loads(body)
                ok = not answer.get("errors") and answer["data"]["a"] == {"title": "Infrastruktur"}
            self.results.append((began, time.time(), ok))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=15)


def test_postgres_restarted_under_load_fails_requests_only_while_it_is_down(private_postgres, database, tmp_path):
    # The load is one client far past any per-client limit (ops' rate limits): not what is measured here.
    env = production(database, tmp_path, RATE_LIMITS="false")
    with gunicorn(env, workers=2, threads=2, log=tmp_path / "gunicorn.log") as server:
        workers_before = server.worker_pids()
        with Load(server.base) as load:
            time.sleep(2)
            down_from, up_at = restarted(private_postgres)
            time.sleep(3)
        # Afterwards, every thread of every worker answers: far more requests than there are threads, at once.
        after = Load(server.base, clients=8)
        with after:
            time.sleep(2)
        workers_after = server.worker_pids()

    before = [r for r in load.results if r[1] < down_from]
    failed = [r for r in load.results if not r[2]]
    settled = [r for r in load.results if r[0] > up_at + 0.5]
    print(
        f"restart took {up_at - down_from:.2f} s; {len(load.results)} requests, {len(failed)} failed, "
        f"failures from {min((r[0] for r in failed), default=0) - down_from:+.2f} s "
        f"to {max((r[1] for r in failed), default=0) - up_at:+.2f} s around it; {len(after.results)} after"
    )
    assert before
    assert all(ok for *_, ok in before)
    # A request fails only if it was under way while the database was down.
    assert all(began <= up_at + 0.5 and ended >= down_from for began, ended, _ in failed)
    assert len(settled) >= 20
    assert all(ok for *_, ok in settled)
    assert len(after.results) >= 40
    assert all(ok for *_, ok in after.results)
    # Recovered on its own: the same gunicorn workers, none restarted.
    assert len(workers_before) == 2
    assert workers_after == workers_before


# Redis stopped -------------------------------------------------------------------------------------------------


def _cached_entries(redis: PrivateRedis, holding: str) -> list[bytes]:
    """The keys of shared answers that hold `holding`."""
    client = redis.client()
    return [key for key in client.scan_iter(match="*api:response:*") if holding.encode() in (client.get(key) or b"")]


def _plant(redis: PrivateRedis, key: bytes, body: bytes):
    """Change the body of a shared answer in Redis itself, keeping its version: whoever serves it read Redis."""
    client = redis.client()
    version, _body, etag, deadline = pickle.loads(client.get(key))  # noqa: S301 (our own entry)
    client.set(key, pickle.dumps((version, body, etag, deadline)), keepttl=True)


def test_redis_stopped_the_api_answers_fresh_from_the_database_and_shares_again_when_it_returns(
    database, redis, tmp_path
):
    env = production(database, tmp_path, REDIS_URL=redis.url)
    query = title_query()
    with gunicorn(env, workers=2, threads=2) as server:
        assert get_title(server.base, query) == (200, "Infrastruktur")
        assert _cached_entries(redis, '"Infrastruktur"')

        redis.stop()
        answers = [get_title(server.base, query) for _ in range(20)]
        assert answers == [(200, "Infrastruktur")] * 20
        # Fresh: a publish while Redis is down shows in every worker at once (the version is in the database).
        rename(env, "infrastruktur", "Infrastruktur uten Redis")
        time.sleep(0.5)
        assert {get_title(server.base, query) for _ in range(30)} == {(200, "Infrastruktur uten Redis")}

        redis.start()
        # Sharing resumes: a new answer goes to Redis, and the other worker takes it from there.
        other = title_query("/attraktive-samfunn/omstilling/")
        assert get_title(server.base, other) == (200, "Omstilling")
        [key] = _cached_entries(redis, '"Omstilling"')
        _plant(redis, key, b'{"data":{"page":{"title":"Fra Redis"}}}')

        def served_from_redis():
            """one of the workers serves the answer as Redis holds it"""
            return get_title(server.base, other) == (200, "Fra Redis")

        wait_until(served_from_redis, 20, interval=0)


SEARCH = '{ siteSearch(query: "fiberutbygging") { results { urlPath } } }'

CHANGES_WHILE_PAUSED = """
from wagtail.models import Page
from search.models import Synonym
page = Page.objects.get(url_path__endswith="/infrastruktur/").specific
page.title = "Infrastruktur mens Redis sto"
page.save_revision().publish()
Synonym.objects.create(terms="fiberutbygging, utbygging av bredbånd")
"""


def search_paths(base: str) -> list[str]:
    status, body = post_query(base, SEARCH)
    assert status == 200, body
    return [result["urlPath"] for result in json.loads(body)["data"]["siteSearch"]["results"]]


def test_a_paused_redis_comes_back_with_old_entries_and_none_of_them_is_used(database, redis, tmp_path):
    env = production(database, tmp_path, REDIS_URL=redis.url)
    query = title_query()
    with gunicorn(env, workers=2, threads=2) as server:
        assert {get_title(server.base, query) for _ in range(20)} == {(200, "Infrastruktur")}
        # The editors' synonyms are shared through Redis too; the word is not one of them yet.
        assert search_paths(server.base) == []
        client = redis.client()
        held = {key: (client.pttl(key), client.dump(key)) for key in client.scan_iter()}
        held = {key: kept for key, kept in held.items() if kept[1] is not None}
        assert _cached_entries(redis, '"Infrastruktur"')

        # Paused, not stopped: its connections hang instead of failing, and it keeps every key.
        redis.pause()
        try:
            assert get_title(server.base, query) == (200, "Infrastruktur")
            # A publish and a new synonym group: neither can tell Redis.
            run_manage(env, "shell", "--no-imports", "-c", CHANGES_WHILE_PAUSED)
            time.sleep(0.5)
            timed = []
            for _ in range(6):
                began = time.monotonic()
                timed.append((get_title(server.base, query), time.monotonic() - began))
            assert {answer for answer, _ in timed} == {(200, "Infrastruktur mens Redis sto")}
            paused_answer = max(seconds for _, seconds in timed)
        finally:
            redis.resume()

        # Redis comes back holding exactly what it held before the changes (what was written to it while it
        # was paused may or may not have landed; put it all back as it was): none of it may be used.
        for key, (ttl, value) in held.items():
            client.restore(key, max(ttl, 0), value, replace=True)
        assert {get_title(server.base, query) for _ in range(40)} == {(200, "Infrastruktur mens Redis sto")}
        assert search_paths(server.base)[0].startswith(PAGE)
    print(f"an answer while Redis was paused took at most {paused_answer:.2f} s")
    # The cache's socket timeouts bound what a stalled Redis costs a request.
    assert paused_answer < 5


def test_readiness_reports_the_cache_degraded_while_redis_is_down(database, redis, tmp_path):
    env = production(database, tmp_path, REDIS_URL=redis.url)
    with gunicorn(env, workers=1, threads=2) as server:

        def ready():
            status, body = get(f"{server.base}/health/ready")
            assert body.startswith(b"{"), (status, body[:200])
            return status, json.loads(body)

        status, body = ready()
        assert (status, body["status"], body["checks"]["cache"]) == (200, "ok", "ok")
        redis.stop()
        status, body = ready()
        assert (status, body["status"], body["checks"]["cache"]) == (200, "degraded", "degraded")
        assert body["checks"]["database"] == "ok"
        redis.start()
        wait_until(lambda: ready()[1]["checks"]["cache"] == "ok", 10)


# A worker killed -----------------------------------------------------------------------------------------------

# Heartbeats and sweeps every second or less: a dead worker is noticed within about three seconds.
FAST_WORKER = {
    "WORKER_HEARTBEAT_INTERVAL": "0.3",
    "WORKER_HEARTBEAT_TIMEOUT": "2",
    "WORKER_RECLAIM_INTERVAL": "1",
    "WORKER_BEAT_INTERVAL": "0.2",
    "WEBHOOKS_RESUME_INTERVAL": "1",
    "SCHEDULED_PUBLISHING_INTERVAL": "1",
    "WEBHOOKS_RETRY_DELAYS": "1,1,1",
}


def worker(env: dict, log: Path):
    return managed(env, "worker", "--no-reload", "--no-startup-delay", log=log)


def kill(process):
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def sql(database_url: str, query: str, *params):
    with psycopg.connect(database_url, autocommit=True) as connection:
        return connection.execute(query, params).fetchall()


def deduplicated(arrivals) -> dict[str, list]:
    """What a receiver that dedupes by delivery id acts on: each id once, with every copy of it that came."""
    by_id: dict[str, list] = {}
    for request in arrivals:
        assert request.signature_valid
        by_id.setdefault(request.headers[signing.DELIVERY_HEADER], []).append(request)
    return by_id


def test_a_worker_killed_mid_delivery_the_delivery_is_sent_again_under_the_same_id(database, tmp_path):
    env = production(database, tmp_path, **FAST_WORKER)
    # The first answer is held back long enough for the worker to be killed while it waits.
    with Receiver(secret=SECRET, delays=[6]) as receiver:
        run_manage(env, "webhooks", "add", "--name", "killed", "--url", receiver.url, "--secret", SECRET)
        with worker(env, tmp_path / "worker-1.log") as first:
            rename(env, "infrastruktur", "Infrastruktur (ny)")
            [sent] = receiver.wait_for_arrivals(1, timeout=20)
            kill(first)
        killed_at = time.time()
        with worker(env, tmp_path / "worker-2.log"):
            arrivals = receiver.wait_for_arrivals(2, timeout=30)

            def delivered():
                return sql(database, "SELECT status, attempts FROM webhooks_delivery") == [("succeeded", 1)]

            wait_until(delivered, 20)

            def rerun():
                """the killed task ran again, to its end, on the second worker"""
                return sql(
                    database,
                    "SELECT status, jsonb_array_length(worker_ids) FROM django_tasks_database_dbtaskresult "
                    "WHERE task_path LIKE %s AND jsonb_array_length(worker_ids) > 1",
                    "%deliver_endpoint",
                ) == [("SUCCESSFUL", 2)]

            wait_until(rerun, 15)
    print(f"sent again {arrivals[1].at - killed_at:.1f} s after the kill")
    # Everything that came, until the end: a third copy would show here.
    by_id = deduplicated(receiver.arrivals)
    # One event, one delivery id: the receiver acts once; the copy is the same body.
    assert list(by_id) == [sent.headers[signing.DELIVERY_HEADER]]
    assert [request.body for request in by_id[sent.headers[signing.DELIVERY_HEADER]]] == [sent.body] * 2
    assert json.loads(sent.body)["id"] == sent.headers[signing.DELIVERY_HEADER]


SCHEDULE = """
from datetime import timedelta
from django.utils import timezone
from wagtail.models import Page
from content_models.models import ThemePage
topic = Page.objects.get(slug="attraktive-samfunn")
page = topic.add_child(instance=ThemePage(title="Planlagt", slug="planlagt", live=False))
page.go_live_at = timezone.now() + timedelta(seconds=1)
page.save_revision().publish()
"""


def test_a_worker_killed_mid_scheduled_publishing_publishes_once_when_a_worker_returns(database, tmp_path):
    env = production(database, tmp_path, **FAST_WORKER)
    with Receiver(secret=SECRET) as receiver:
        run_manage(env, "webhooks", "add", "--name", "scheduled", "--url", receiver.url, "--secret", SECRET)
        run_manage(env, "shell", "--no-imports", "-c", SCHEDULE)
        time.sleep(1)

        def live():
            return sql(database, "SELECT live FROM wagtailcore_page WHERE slug = 'planlagt'") == [(True,)]

        # Holding the content version row stops the go-live half-way, inside its transaction.
        with psycopg.connect(database) as holder:
            holder.execute("SELECT number FROM publishing_contentversion FOR UPDATE")
            with worker(env, tmp_path / "worker-1.log") as first:

                def stuck():
                    """the worker waits for the version row, mid go-live"""
                    return sql(
                        database,
                        "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE %s",
                        "%publishing_contentversion%",
                    )

                wait_until(stuck, 20)
                kill(first)
            holder.rollback()
        left_running = sql(
            database, "SELECT args_kwargs FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        )
        assert [args["args"] for (args,) in left_running] == [["scheduled-publishing"]]
        # The kill rolled the half-done go-live back.
        assert not live()
        assert receiver.received == []

        with worker(env, tmp_path / "worker-2.log"):
            wait_until(live, 30)
            receiver.wait_for_arrivals(1, timeout=20)

            def rerun():
                """the killed run of scheduled publishing ran again, to its end"""
                return ("SUCCESSFUL",) in sql(
                    database,
                    "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s "
                    "AND jsonb_array_length(worker_ids) > 1",
                    "%run_periodic",
                )

            wait_until(rerun, 15)
            time.sleep(1)  # anything sent twice would have come by now
    by_id = deduplicated(receiver.arrivals)
    # Nothing came twice, and the go-live came once.
    assert len(receiver.arrivals) == len(by_id)
    published = [r[0] for r in by_id.values() if r[0].json["paths"][0] == "/attraktive-samfunn/planlagt/"]
    assert len(published) == 1
    assert published[0].json["event"] == "page.published"
