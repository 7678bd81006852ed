"""Several server processes and no shared cache: a change made anywhere shows everywhere within a second.

Production runs two or more gunicorn workers, each keeping what it read. The
content version lives in the database (`publishing.version`), so freshness
never depends on Redis being configured, reachable or big enough. Here a real
gunicorn with two workers and no REDIS_URL serves a file database, and a
separate process unpublishes a page.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import closing

import pytest
from django.conf import settings

QUERY = '{ page(urlPath: "/attraktive-samfunn/infrastruktur/") { title } }'


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def production(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    for command in (["migrate", "--noinput"], ["load_demo_content"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True, timeout=300)
    return env, manage


def _title(port: int):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql/",
        data=json.dumps({"query": QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        page = json.loads(response.read())["data"]["page"]
    return page and page["title"]


def test_an_unpublish_in_another_process_shows_in_every_worker_within_a_second(production):
    env, manage = production
    port = _free_port()
    gunicorn = str(settings.BASE_DIR / ".venv" / "bin" / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "--config", "gunicorn.conf.py", "--workers", "2", "--threads", "1", "cms.wsgi:application"],
        cwd=settings.BASE_DIR,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESSLOG": ""},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert _title(port) == "Infrastruktur"
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        # Both workers have read and kept the page by now.
        assert {_title(port) for _ in range(40)} == {"Infrastruktur"}

        script = "from content_models.models import ThemePage; ThemePage.objects.get(slug='infrastruktur').unpublish()"
        subprocess.run([*manage, "shell", "-c", script], env=env, check=True, capture_output=True, timeout=60)
        unpublished_at = time.monotonic()
        time.sleep(1.0)
        # A second after the change, every answer from every worker has it.
        assert {_title(port) for _ in range(40)} == {None}
        assert time.monotonic() - unpublished_at < 5
    finally:
        server.terminate()
        server.wait(timeout=10)
