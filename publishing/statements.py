"""Running the few statements every page request makes, planned once per database connection.

PostgreSQL plans a statement sent with its values inlined (Django's default,
client-side binding) every time it runs. For a page lookup the planning was
most of the server's work: 0.67 ms of server CPU per lookup planned each time
against 0.21 ms prepared, on 10,000 pages (docs/performance.md). These
statements are sent with server-side binding instead, so psycopg prepares
each after `DATABASES["default"]["OPTIONS"]["prepare_threshold"]` runs on a
connection (cms/settings/base.py; unset, nothing is prepared) and PostgreSQL
reuses the plan. Every other query keeps Django's client-side binding.

The cursor is Django's wrapper around the server-binding one, so the query
is logged, timed and counted (`CaptureQueriesContext`) like any other.
"""

from django.db import connection


def fetch_rows(sql: str, params: list) -> list[tuple]:
    """All rows of one statement written with `%s` placeholders."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    from django.db.backends.postgresql.base import ServerBindingCursor

    # What `connection.cursor()` does before it makes a cursor: check a reused connection is alive, connect.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = ServerBindingCursor(connection.connection)
    with connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
