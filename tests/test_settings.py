import os
import secrets
import subprocess
import sys

from django.conf import settings

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    environment.update(DJANGO_SETTINGS_MODULE="cms.settings.production", DATABASE_URL="sqlite:///:memory:", **env)
    return subprocess.run([*MANAGE, *args], capture_output=True, text=True, env=environment, timeout=120, check=False)


def test_production_refuses_to_start_without_a_secret():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_weak_secret():
    result = run_manage("check", SECRET_KEY="change-me")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_passes_deploy_check_with_a_real_secret():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stdout + result.stderr


def test_base_settings_are_safe_and_norwegian():
    from cms.settings import base

    assert base.DEBUG is False or os.environ.get("DEBUG")
    assert base.LANGUAGE_CODE == "nb"
    assert base.TIME_ZONE == "Europe/Oslo"
    assert base.CORS_ALLOW_CREDENTIALS is False


def test_production_puts_a_statement_timeout_on_postgresql():
    script = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        SECRET_KEY=secrets.token_urlsafe(64),
        DB_STATEMENT_TIMEOUT_MS="5000",
    )
    # Printed by the settings alone: no connection is made.
    code = f"import django; django.setup(); {script}"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=60, check=False
    )
    assert result.stdout.strip() == "-c statement_timeout=5000", result.stderr
