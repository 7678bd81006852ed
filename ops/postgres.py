"""PostgreSQL's own tools for the backup: pg_dump, pg_restore and psql, found, version-checked and run.

The connection is handed to them in libpq's environment variables, never on
the command line, where the password would show in `ps`.
"""

# The programs run are PostgreSQL's, found on PATH or PG_BIN_DIR, with arguments of our own making.
# ruff: noqa: S603

import os
import re
import shutil
import subprocess
from pathlib import Path

from django.db import connections

from .archive import BackupError

# libpq's variable for each connection setting Django keeps.
_LIBPQ = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
LOCK_TIMEOUT_MS = 30_000
SYSTEM_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"


def require_postgresql(alias: str = "default"):
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise BackupError(
            f"backup and restore need PostgreSQL, the production database; DATABASE_URL is {connection.vendor} "
            "(for a development SQLite file, stop the server and copy db.sqlite3 and the media folder)"
        )
    return connection


def tool(name: str) -> str:
    """Path of a PostgreSQL client program: from PG_BIN_DIR when set, else PATH."""
    folder = os.environ.get("PG_BIN_DIR")
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if not found:
        where = f"in PG_BIN_DIR={folder}" if folder else "on PATH"
        raise BackupError(
            f"{name} was not found {where}; install the PostgreSQL client of the server's major version "
            "(Debian: apt-get install postgresql-client-15) or set PG_BIN_DIR to its bin folder"
        )
    return found


def tool_version(path: str) -> tuple[int, str]:
    """(major version, full version) of a PostgreSQL client program, e.g. (15, "15.20")."""
    try:
        out = subprocess.run([path, "--version"], check=True, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise BackupError(f"{path} --version failed ({error})") from error
    match = re.search(r"\)\s+(\d+)(\.\d+)?", out)
    if not match:
        raise BackupError(f"cannot read the version of {path} from {out.strip()!r}")
    return int(match.group(1)), match.group(1) + (match.group(2) or "")


def server_version(alias: str = "default") -> tuple[int, str]:
    number = connections[alias].pg_version  # e.g. 150020
    return number // 10000, f"{number // 10000}.{number % 10000}"


def checked_tool(name: str, at_least: int, why: str) -> tuple[str, str]:
    """The tool and its version, refusing one older than `at_least` (it could not read what it must)."""
    path = tool(name)
    major, full = tool_version(path)
    if major < at_least:
        raise BackupError(
            f"{name} is version {full} but {why} is PostgreSQL {at_least}; install postgresql-client-{at_least} "
            "or set PG_BIN_DIR to its bin folder"
        )
    return path, full


def libpq_environment(alias: str = "default") -> dict[str, str]:
    settings = connections[alias].settings_dict
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for key, variable in _LIBPQ.items():
        if settings.get(key):
            env[variable] = str(settings[key])
    for key, variable in _LIBPQ_OPTIONS.items():
        if settings.get("OPTIONS", {}).get(key):
            env[variable] = str(settings["OPTIONS"][key])
    env["PGAPPNAME"] = "cms-backup"
    return env


def dump(target: Path, alias: str = "default") -> str:
    """pg_dump in its custom format (compressed, restorable table by table) into `target`; returns pg_dump's version."""
    major, _ = server_version(alias)
    pg_dump, version = checked_tool("pg_dump", major, "the server")
    # One snapshot for the whole dump: what it holds is the database at one moment.
    _run([pg_dump, "--format=custom", "--no-password", "--file", str(target)], libpq_environment(alias), "pg_dump")
    return version


def objects_in(alias: str = "default") -> int:
    """How many tables, sequences, views, functions and search configurations the database holds outside the system."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"""
            SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {SYSTEM_SCHEMAS})
                 + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {SYSTEM_SCHEMAS})
                 + (SELECT count(*) FROM pg_ts_config t JOIN pg_namespace n ON n.oid = t.cfgnamespace WHERE {SYSTEM_SCHEMAS})
            """  # noqa: S608 (a constant)
        )
        return cursor.fetchone()[0]


def _clear_sql(alias: str) -> str:
    """SQL that drops every schema of ours and makes `public` afresh, as a new PostgreSQL 15 database has it."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n.nspname FROM pg_namespace n WHERE {SYSTEM_SCHEMAS} ORDER BY 1")  # noqa: S608
        schemas = [row[0] for row in cursor.fetchall()]
    drops = "".join(f"DROP SCHEMA {connection.ops.quote_name(name)} CASCADE;\n" for name in schemas)
    return drops + (
        "CREATE SCHEMA public;\nALTER SCHEMA public OWNER TO pg_database_owner;\nGRANT USAGE ON SCHEMA public TO PUBLIC;\n"
    )


def restore(dump_file: Path, dumped_by_major: int, *, clear: bool, alias: str = "default"):
    """Load `dump_file` into the database in one transaction: a failure leaves the database as it was.

    With `clear`, everything in the database is dropped first, inside the same
    transaction. Owners and grants are the restoring user's, so a backup of one
    deployment restores under another's role names.
    """
    major, _ = server_version(alias)
    if major < dumped_by_major:
        raise BackupError(
            f"the backup was made by PostgreSQL {dumped_by_major} tools and this server is PostgreSQL {major}; "
            f"restore it into PostgreSQL {dumped_by_major} or newer"
        )
    pg_restore, _ = checked_tool("pg_restore", max(major, dumped_by_major), "the backup's dump or the server")
    psql, _ = checked_tool("psql", major, "the server")
    env = libpq_environment(alias)
    # A site still running holds locks on its tables: give up with a clear error rather than wait for it forever.
    env["PGOPTIONS"] = f"-c lock_timeout={LOCK_TIMEOUT_MS}"
    clear_sql = _clear_sql(alias) if clear else ""
    connections[alias].close()  # the restore must not wait on this process's own open transaction
    script = subprocess.Popen(
        [pg_restore, "--no-owner", "--no-privileges", "--file", "-", str(dump_file)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    psql_command = [psql, "--no-psqlrc", "--quiet", "--no-password", "--set", "ON_ERROR_STOP=1", "--single-transaction"]
    if clear_sql:
        psql_command += ["--command", clear_sql]
    loader = subprocess.run(
        [*psql_command, "--file", "-"],
        env=env,
        stdin=script.stdout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    script.stdout.close()
    script_errors = script.stderr.read().decode(errors="replace")
    script.wait()
    if script.returncode != 0:
        raise BackupError(f"pg_restore could not read the dump: {_first_error(script_errors)}; nothing was restored")
    if loader.returncode != 0:
        message = _first_error(loader.stderr.decode(errors="replace"))
        if "lock timeout" in message:
            message += " (the site is still using the database: stop the web server and the worker first)"
        raise BackupError(f"loading the dump failed, so the database was left as it was: {message}")


def _run(command: list[str], env: dict, name: str):
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except OSError as error:
        raise BackupError(f"{name} could not be started ({error})") from error
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {_first_error(result.stderr)}")


def _first_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error" in line.lower() or "fatal" in line.lower():
            return line
    return lines[0] if lines else "no message"
