"""Real processes for the tests that need them: the site under gunicorn, `manage.py` commands and the worker.

Shared by the several-process, worker and fault tests, so each starts a
server and waits for it the same way.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = BASE_DIR / ".venv" / "bin" / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(interval)
    raise AssertionError(f"not true within {timeout} s: {condition.__doc__ or condition}")


def base_env(database_url: str, **extra: str) -> dict:
    """A clean environment for a child process: the test settings on `database_url`, nothing from the shell."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": database_url,
        **extra,
    }


def run_manage(env: dict, *args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _stop(child: subprocess.Popen, timeout: float = 15):
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@contextmanager
def managed(env: dict, *args: str, log: Path | None = None):
    """`manage.py <args>` running for the duration of the block, stopped (SIGTERM, then SIGKILL) after."""
    out = open(log or os.devnull, "w")  # noqa: SIM115
    child = subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
    )
    try:
        yield child
    finally:
        _stop(child)
        out.close()


class Server:
    def __init__(self, base: str, process: subprocess.Popen):
        self.base = base
        self.process = process

    def worker_pids(self) -> set[int]:
        """gunicorn's worker processes (the master's children), read from /proc."""
        pids = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.add(int(stat.parent.name))
        return pids


@contextmanager
def gunicorn(env: dict, *, workers: int = 2, threads: int = 1, log: Path | None = None):
    """The site under gunicorn with the project's gunicorn.conf.py, as in production; yields a `Server`."""
    port = free_port()
    out = open(log or os.devnull, "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "--config",
            "gunicorn.conf.py",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "cms.wsgi:application",
        ],
        cwd=BASE_DIR,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESSLOG": ""},
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def answering():
            assert server.poll() is None, "gunicorn exited"
            return get(f"{base}/graphql/?query=%7B__typename%7D")[0] == 200

        wait_until(answering, 60, interval=0.2)
        yield Server(base, server)
    finally:
        _stop(server, timeout=25)
        out.close()


def _send(request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    """(status, body); status 0 when no HTTP answer came at all."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def get(url: str, timeout: float = 10, headers: dict | None = None) -> tuple[int, bytes]:
    return _send(urllib.request.Request(url, headers=headers or {}), timeout)


def post_query(base: str, query: str, timeout: float = 10) -> tuple[int, bytes]:
    body = json.dumps({"query": query}).encode()
    return _send(
        urllib.request.Request(f"{base}/graphql/", data=body, headers={"Content-Type": "application/json"}), timeout
    )


def api_title(base: str, path: str) -> str | None:
    query = urllib.parse.urlencode({"query": f'{{ page(urlPath: "{path}") {{ title }} }}'})
    status, body = get(f"{base}/graphql/?{query}")
    assert status == 200, body
    page = json.loads(body)["data"]["page"]
    return page and page["title"]
