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


def production_database_options(*, serves_requests: bool) -> str:
    """The PostgreSQL options production settings give a process, read without connecting."""
    script = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('options'))"
    # cms.wsgi is what gunicorn loads; importing it marks the process as a web server, as in production.
    code = f"import cms.wsgi; {script}" if serves_requests else f"import django; django.setup(); {script}"
    return in_production_process(code)


def in_production_process(code: str) -> str:
    """What `code` prints in a new process with production settings."""
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "CMS_SERVES_REQUESTS"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        SECRET_KEY=secrets.token_urlsafe(64),
        DB_STATEMENT_TIMEOUT_MS="5000",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_web_requests_have_a_statement_timeout_on_postgresql():
    assert production_database_options(serves_requests=True) == "-c statement_timeout=5000"


def test_a_web_process_keeps_what_it_loads_at_start_out_of_the_garbage_collectors_way():
    # Full collections walked the URLconf and GraphQL schema every time: 0.26-0.34 s stalls of every thread.
    found = in_production_process("import gc, sys, cms.wsgi; print(gc.get_freeze_count(), 'api.schema' in sys.modules)")
    frozen, schema_loaded = found.split()
    assert int(frozen) > 100_000
    assert schema_loaded == "True"


def test_production_commands_and_worker_have_no_statement_timeout():
    # A whole-site store rebuild on 10,000 pages runs statements longer than any web request should.
    assert production_database_options(serves_requests=False) == "None"
