"""Logs a shipper can read: a JSON line per request and per task run, a request id, nothing personal."""

import io
import json
import logging
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings as django_settings
from django.db.migrations.recorder import MigrationRecorder
from django_tasks import task

from ops.logs import JsonFormatter
from ops.requests import HEADER

from .production import production_requests
from .test_health import closed_port


@pytest.fixture
def lines():
    """What the ops loggers write, formatted as production formats it: a list of parsed JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("ops.request", "ops.task", "ops.health")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)

    def read():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield read
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_one_line_per_request_without_query_string_or_address(client, demo, lines):
    response = client.get(
        "/graphql/",
        {"query": '{ page(token: "secret-preview-token") { title } }'},
        HTTP_X_FORWARDED_FOR="192.0.2.44",
        REMOTE_ADDR="192.0.2.55",
    )
    [line] = lines()
    assert line["event"] == "request"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/graphql/", response.status_code)
    assert line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert line["request_id"] == response[HEADER]
    assert len(line["request_id"]) == 32
    text = json.dumps(line)
    for private in ("secret-preview-token", "query", "192.0.2."):
        assert private not in text


def test_a_sane_incoming_request_id_is_kept_and_any_other_replaced(client, demo, lines):
    kept = client.get("/health/live", HTTP_X_REQUEST_ID="edge-7f3a9c01.42")
    assert kept[HEADER] == "edge-7f3a9c01.42"
    for insane in ("two words", "x" * 200, "line\nbreak", "<script>", ""):
        response = client.get("/health/live", HTTP_X_REQUEST_ID=insane)
        assert response[HEADER] != insane
        assert len(response[HEADER]) == 32
    assert next(line["request_id"] for line in lines()) == "edge-7f3a9c01.42"


def test_every_line_of_a_request_carries_its_id(client, demo, lines, settings):
    from .test_health import unreachable_redis

    settings.CACHES = unreachable_redis(closed_port())
    response = client.get("/health/ready", HTTP_X_REQUEST_ID="probe-1")
    assert response.status_code == 200
    found = lines()
    warning = next(line for line in found if line["logger"] == "ops.health")
    assert warning["request_id"] == "probe-1"
    assert warning["message"].startswith("Readiness check cache degraded")


def test_passing_probes_are_debug_and_failing_ones_warnings(client, demo, lines):
    client.get("/health/live")
    client.get("/health/ready")
    MigrationRecorder.Migration.objects.filter(app="search").order_by("-id").first().delete()
    assert client.get("/health/ready").status_code == 503
    probes = [(line["path"], line["level"]) for line in lines() if line.get("event") == "request"]
    assert probes == [("/health/live", "DEBUG"), ("/health/ready", "DEBUG"), ("/health/ready", "WARNING")]


def test_control_characters_in_a_path_stay_on_one_line(client, demo, lines):
    client.get("/finnes%0Aikke/")
    [line] = [line for line in lines() if line.get("event") == "request"]
    assert line["path"] == "/finnes\\nikke/"
    assert line["status"] == 404


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def fail():
    raise RuntimeError("on purpose")


def test_one_line_per_task_run(lines):
    # The test settings run tasks inside the call that enqueues them (the immediate backend).
    result = add.enqueue(2, 3)
    failed = fail.enqueue()
    ran, broke = [line for line in lines() if line.get("event") == "task"]
    assert ran["task"] == "tests.test_request_logs.add"
    assert (ran["task_id"], ran["status"], ran["level"]) == (str(result.id), "SUCCESSFUL", "INFO")
    assert ran["duration_ms"] >= 0
    assert (broke["task_id"], broke["status"], broke["level"]) == (str(failed.id), "FAILED", "WARNING")
    # The arguments are not written: they may name people or carry content.
    assert "args" not in ran
    assert "2, 3" not in ran["message"]


def test_production_writes_json_lines():
    answers, stderr = production_requests()
    assert answers["ready"] == 503
    parsed = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    requests = [(line["path"], line["status"], line["level"]) for line in parsed if line.get("event") == "request"]
    assert requests == [("/health/live", 200, "DEBUG"), ("/health/ready", 503, "WARNING"), ("/graphql/", 301, "INFO")]
    # Not in our line, nor in Django's own error line for the 503 (which carries the request object).
    assert "hemmelig" not in stderr
    assert [line["status_code"] for line in parsed if line["logger"] == "django.request"] == [503]


def test_an_unknown_log_format_is_refused():
    env = {"DJANGO_SETTINGS_MODULE": "cms.settings.base", "LOG_FORMAT": "xml", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import cms.settings.base"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be one of json, text, got 'xml'" in result.stderr


def test_django_does_not_repeat_the_line_of_a_4xx(client, demo, caplog, lines):
    assert client.get("/finnes-ikke/").status_code == 404
    assert [record for record in caplog.records if record.name == "django.request"] == []
    assert [line["status"] for line in lines() if line.get("event") == "request"] == [404]


def test_gunicorn_in_production_writes_only_json_lines(tmp_path):
    """The real server: gunicorn's own lines and the app's, one JSON object each; no access line with an address."""
    port = closed_port()
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "LOG_FORMAT"}}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
    )
    env.pop("GUNICORN_ACCESSLOG", None)
    gunicorn = str(django_settings.BASE_DIR / ".venv" / "bin" / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "--config", "gunicorn.conf.py", "cms.wsgi:application"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live?x=1", timeout=5) as response:
                    request_id = response.headers[HEADER]
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        # An empty database: not ready (and no redirect to https: the probes are exempt).
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=5)
        assert refused.value.code == 503
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=20)
    parsed = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in parsed)
    [ready] = [line for line in parsed if line.get("path") == "/health/ready"]
    assert (ready["method"], ready["status"], ready["level"]) == ("GET", 503, "WARNING")
    assert request_id
    assert "127.0.0.1 " not in stderr
    assert not [line for line in parsed if line["logger"] == "gunicorn.access"]
