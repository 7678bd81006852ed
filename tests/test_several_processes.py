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
import subprocess
import sys
import time

import pytest
from django.conf import settings

from .processes import gunicorn, post_query

QUERY = '{ page(urlPath: "/attraktive-samfunn/infrastruktur/") { title } }'


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


def _title(base: str):
    status, body = post_query(base, QUERY, timeout=5)
    assert status == 200, body
    page = json.loads(body)["data"]["page"]
    return page and page["title"]


def test_an_unpublish_in_another_process_shows_in_every_worker_within_a_second(production):
    env, manage = production
    with gunicorn(env, workers=2, threads=1) as server:
        assert _title(server.base) == "Infrastruktur"
        # Both workers have read and kept the page by now.
        assert {_title(server.base) for _ in range(40)} == {"Infrastruktur"}

        script = "from content_models.models import ThemePage; ThemePage.objects.get(slug='infrastruktur').unpublish()"
        subprocess.run([*manage, "shell", "-c", script], env=env, check=True, capture_output=True, timeout=60)
        unpublished_at = time.monotonic()
        time.sleep(1.0)
        # A second after the change, every answer from every worker has it.
        assert {_title(server.base) for _ in range(40)} == {None}
        assert time.monotonic() - unpublished_at < 5
