"""Running code under the production settings, in a process of its own (settings are read once per process)."""

import json
import os
import secrets
import subprocess
import sys

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
