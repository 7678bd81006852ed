"""docker-compose.yml cannot run here, so it is checked by reading it."""

import re

import yaml
from django.conf import settings

COMPOSE = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
SETTINGS_SOURCE = "\n".join(p.read_text() for p in (settings.BASE_DIR / "cms" / "settings").glob("*.py"))


def test_database_has_a_healthcheck_and_a_volume():
    db = COMPOSE["services"]["db"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert db["image"].startswith("postgres:")


def test_the_app_image_has_the_norwegian_dictionary_the_search_reads():
    text = (settings.BASE_DIR / "Dockerfile").read_text()
    assert "hunspell-no" in text


def test_web_waits_for_healthy_database_and_runs_gunicorn():
    web = COMPOSE["services"]["web"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert "gunicorn" in web["command"]
    assert any(v.endswith(":/app/media") for v in web["volumes"])
    assert web["environment"]["DATABASE_URL"].startswith("postgres://")
    assert "@db:5432/" in web["environment"]["DATABASE_URL"]


def test_every_environment_variable_is_read_by_the_settings():
    for service in ("web", "worker"):
        environment = COMPOSE["services"][service]["environment"]
        for name in environment:
            if name == "DJANGO_SETTINGS_MODULE":
                assert environment[name] == "cms.settings.production"
                continue
            assert re.search(rf"[\"']{name}[\"']", SETTINGS_SOURCE), f"{name} is not read by cms/settings"


def test_worker_runs_the_same_image_on_the_same_database_and_media():
    web, worker = COMPOSE["services"]["web"], COMPOSE["services"]["worker"]
    assert worker["build"] == web["build"]
    assert worker["command"][-3:] == ["manage.py", "worker", "--no-reload"]
    assert worker["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT"):
        assert worker["environment"][name] == web["environment"][name]
    assert worker["volumes"] == web["volumes"]
    assert worker["restart"] == "unless-stopped"


def test_no_secret_is_committed():
    web = COMPOSE["services"]["web"]
    assert web["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert COMPOSE["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert COMPOSE["services"]["worker"]["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")


def test_redis_may_evict_under_its_memory_limit_because_it_only_holds_caches():
    command = COMPOSE["services"]["redis"]["command"]
    assert command[command.index("--maxmemory") + 1] == "256mb"
    assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"


def test_web_is_health_checked_by_readiness_without_curl():
    web = COMPOSE["services"]["web"]
    check = web["healthcheck"]
    assert check["test"] == ["CMD", "python", "-m", "ops.probe", "ready"]
    # The image has Python, not curl.
    assert "curl" not in (settings.BASE_DIR / "Dockerfile").read_text()
    # A probe's own timeout (ops/probe.py) ends before Docker's, so a hung server reads as a failed check.
    from ops import probe

    assert int(check["timeout"].rstrip("s")) > probe.TIMEOUT
    # The first start runs the migrations before gunicorn answers.
    assert int(check["start_period"].rstrip("s")) >= 60
    assert "ALLOWED_HOSTS" in web["environment"]


def test_the_worker_starts_once_the_migrations_are_applied():
    # The web service runs `migrate` and is healthy only when /health/ready finds no migration left.
    worker = COMPOSE["services"]["worker"]
    assert worker["depends_on"]["web"]["condition"] == "service_healthy"
    assert "migrate" in COMPOSE["services"]["web"]["command"]
