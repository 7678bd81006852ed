"""Health endpoints for an orchestrator (docker-compose, Kubernetes, a load balancer).

`GET /health/live`: the process is up and answering. No database, no cache, no file: a live process
must not be restarted because something else is down.

`GET /health/ready`: whether this process can serve the site now, check by check:

    {"status": "ok"|"degraded"|"fail",
     "checks": {"database": "ok"|"fail", "migrations": "ok"|"fail", "cache": "ok"|"degraded", "search": "ok"|"fail"}}

200 when every check is ok or only degraded (without Redis the API answers from the database, slower but
correct), 503 when any check fails. The body never holds versions, host names or exception texts; why a
check failed is logged (WARNING) for the operators.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from search.analysis import dictionary

logger = logging.getLogger(__name__)

OK, DEGRADED, FAIL = "ok", "degraded", "fail"
# A probe that waits longer than this on the database has its answer already: not ready.
DATABASE_TIMEOUT_MS = 2000
# Each process writes its own probe key, so two processes probing at once cannot read each other's value.
_PROBE_KEY = f"ops:health:{uuid.uuid4().hex}"


def _failed(check: str, error: BaseException) -> str:
    logger.warning("Readiness check %s failed: %s", check, error.__class__.__name__, exc_info=error)
    return FAIL


def check_database() -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        if connection.vendor == "postgresql":
            # SET LOCAL lasts to the end of this transaction: the connection goes back to serving as it was.
            with transaction.atomic(using=DEFAULT_DB_ALIAS), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {DATABASE_TIMEOUT_MS}")
                cursor.execute("SELECT 1")
                cursor.fetchone()
        else:
            # No transaction on SQLite: with IMMEDIATE transactions a probe would take the write lock.
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
    except Exception as error:
        # A broken persistent connection is dropped now, so the next probe (and request) connects afresh.
        connection.close_if_unusable_or_obsolete()
        return _failed("database", error)
    return OK


def check_migrations() -> str:
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return _failed("migrations", error)
    if plan:
        logger.warning("Readiness check migrations failed: %d migration(s) not applied", len(plan))
        return FAIL
    return OK


def check_cache() -> str:
    """A round trip through the shared cache.

    django-redis is set to swallow connection errors (IGNORE_EXCEPTIONS), so a Redis that is away shows
    as a value that does not come back, not as an exception.
    """
    cache = caches["default"]
    token = uuid.uuid4().hex
    try:
        cache.set(_PROBE_KEY, token, timeout=30)
        found = cache.get(_PROBE_KEY)
    except Exception as error:
        logger.warning("Readiness check cache degraded: %s", error.__class__.__name__)
        return DEGRADED
    if found != token:
        logger.warning("Readiness check cache degraded: the probe value did not come back")
        return DEGRADED
    return OK


def search_config_name() -> str:
    return settings.WAGTAILSEARCH_BACKENDS["default"].get("SEARCH_CONFIG") or "simple"


def check_search() -> str:
    """What the searches need besides their tables (the migrations check covers those).

    The site search analyses text in Python and splits compounds with Hunspell's bokmål word list
    (search/analysis/dictionary.py); without it compound words are not found. On PostgreSQL the admin's
    search (Wagtail's database backend) needs the text search configuration it is set to use.
    """
    if not dictionary.is_installed():
        logger.warning(
            "Readiness check search failed: the Norwegian dictionary is missing (%s)", dictionary.dictionary_path()
        )
        return FAIL
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return OK
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = %s)", [search_config_name()])
            (present,) = cursor.fetchone()
    except Exception as error:
        return _failed("search", error)
    if not present:
        logger.warning("Readiness check search failed: no text search configuration %r", search_config_name())
        return FAIL
    return OK


def readiness() -> tuple[str, dict[str, str]]:
    checks = {"database": check_database()}
    # Without a database the checks that read it are not tried (each would wait out its own timeout):
    # they cannot be known to be ok, so they fail too.
    database_up = checks["database"] == OK
    checks["migrations"] = check_migrations() if database_up else FAIL
    checks["cache"] = check_cache()
    checks["search"] = check_search() if database_up else FAIL
    values = set(checks.values())
    status = FAIL if FAIL in values else DEGRADED if DEGRADED in values else OK
    return status, checks


@never_cache
@require_safe
def live(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def ready(request):
    status, checks = readiness()
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == FAIL else 200)
