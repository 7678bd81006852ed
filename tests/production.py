"""Running code under the production settings, in a process of its own (settings are read once per process)."""

import json
import os
import secrets
import subprocess
import sys
from functools import cache

from django.conf import settings


def run_production(code: str, **env) -> subprocess.CompletedProcess:
    """`manage.py shell -c code` with cms.settings.production, a real secret, and the given environment."""
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        DATABASE_URL="sqlite:///:memory:",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="testserver",
    )
    environment.update(env)
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "shell", "--no-imports", "-c", code]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120, check=False)


def last_json_line(result: subprocess.CompletedProcess):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# What one production process answers and logs, shared by the tests of headers and logs (a process costs seconds):
# /health/live over https (its headers), /health/ready with a query string (a fresh in-memory database has no
# tables, so it fails), and the API over plain http (redirected).
PRODUCTION_REQUESTS = (
    "import json; from django.test import Client; c = Client(); "
    "live = c.get('/health/live', secure=True); ready = c.get('/health/ready?token=hemmelig', secure=True); "
    "plain = c.get('/graphql/', {'query': '{ __typename }'}); "
    "print(json.dumps({'live': dict(live.headers), 'ready': ready.status_code, "
    "'plain': [plain.status_code, plain.get('Location')]}))"
)


@cache
def production_requests():
    """(what the requests answered, the log lines the process wrote to stderr)."""
    result = run_production(PRODUCTION_REQUESTS, LOG_LEVEL="DEBUG")
    return last_json_line(result), result.stderr
