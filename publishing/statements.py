"""Running the few statements every page request makes, planned once per database connection.

PostgreSQL plans a statement sent with its values inlined (Django's default,
client-side binding) every time it runs. For a page lookup the planning was
most of the server's work: 0.95 ms of server CPU per random page planned each
time against 0.35 ms prepared, on 10,000 pages (docs/performance.md). These
statements are sent with server-side binding instead, so psycopg prepares
each after `DATABASES["default"]["OPTIONS"]["prepare_threshold"]` runs on a
connection (`DB_PREPARE_THRESHOLD`, cms/settings/base.py; unset, nothing is
prepared) and PostgreSQL reuses the plan. Every other query keeps Django's
client-side binding.

The cursor is Django's wrapper around Django's own server-binding cursor
class, so the statement is timed and counted (`CaptureQueriesContext`) like
any other; the logged SQL shows `$1`-style placeholders in place of values.
"""

import psycopg
from django.db import connection
from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
from django.db.backends.postgresql.psycopg_any import register_tzloader

# What a prepared statement meets when the table changed under it (a migration run by another process
# while this one kept its connection): PostgreSQL refuses the old plan, and psycopg keeps reusing it.
# (FeatureNotSupported is a whole class of errors; only this one means the plan is gone.)
PLAN_CHANGED = "cached plan must not change result type"


def _plan_gone(error: Exception) -> bool:
    cause = error.__cause__
    if isinstance(cause, psycopg.errors.InvalidSqlStatementName):
        return True
    return isinstance(cause, psycopg.errors.FeatureNotSupported) and PLAN_CHANGED in str(cause)


def fetch_rows(sql: str, params: list) -> list[tuple]:
    """All rows of one statement written with `%s` placeholders."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    try:
        return _prepared_rows(sql, params)
    except Exception as error:
        if not _plan_gone(error) or connection.in_atomic_block:
            raise
    # A new connection has no prepared statements; outside a transaction nothing is lost by opening one.
    connection.close()
    return _prepared_rows(sql, params)


def _prepared_rows(sql: str, params: list) -> list[tuple]:
    # What `connection.cursor()` does before and while it makes a cursor (Django's `_cursor` and
    # `create_cursor`), with Django's server-binding cursor class in place of the client-binding one.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
        loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, psycopg.pq.Format.TEXT)
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, raw)
    with connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
