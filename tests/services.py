"""A PostgreSQL cluster and a Redis of the tests' own, which fault tests may stop, pause and start.

Never the machine's shared PostgreSQL (5432) or Redis (6379): other test runs
use those. Each private service runs from a temporary directory on a free
port and is removed afterwards. PostgreSQL refuses to run as root, so as root
the cluster runs as the `postgres` user.
"""

import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

from .processes import free_port, wait_until


def _pg_bin() -> Path:
    """PG_BIN, or the newest Debian PostgreSQL installed (the one tools/machine.sh installs)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return installed[-1].parent if installed else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class PrivatePostgres:
    """`initdb` + `pg_ctl` in `directory`: trust authentication, listening on 127.0.0.1 only, built for speed."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.user = "postgres"
        self._as = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            self._as = ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--clear-groups"]
            os.chown(directory, account.pw_uid, account.pw_gid)
        else:
            self.user = pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *command: str, timeout: float = 60):
        result = subprocess.run(
            [*self._as, *command], capture_output=True, text=True, timeout=timeout, cwd=self.directory
        )
        assert result.returncode == 0, f"{command[0]} failed: {result.stdout}{result.stderr}"

    def init(self):
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "--auth=trust",
            "--username",
            self.user,
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.directory}'",
            # Test data only: durability is not the point, and it makes every commit and restart quicker.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "shared_buffers": "32MB",
            "max_connections": "60",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self):
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"), "-w", "start")

    def stop(self, mode: str = "fast"):
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{name}"

    def psql(self, sql: str, database: str = "postgres"):
        self._run(str(PG_BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(database), "-c", sql)

    def copy_database(self, source_url: str, name: str):
        """A copy of another server's database (schema and rows) as `name` here."""
        dump = self.directory / f"{name}.dump"
        self.psql(f"CREATE DATABASE {name} TEMPLATE template0")
        for command in (
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), source_url],
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", self.url(name), str(dump)],
        ):
            result = subprocess.run(
                [str(PG_BIN / command[0]), *command[1:]], capture_output=True, text=True, timeout=120
            )
            assert result.returncode == 0, f"{command[0]} failed: {result.stderr}"
        dump.unlink()

    def remove(self):
        if (self.data / "postmaster.pid").exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


class PrivateRedis:
    """A redis-server on a free port with no persistence: `stop` loses its keys, `pause` keeps them."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answering, 10, interval=0.05)

    def answering(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2)

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def remove(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.stop()


def restarted(postgres: PrivatePostgres) -> tuple[float, float]:
    """Stop (fast: sessions are cut) and start again; the wall-clock times the stop began and the start ended."""
    began = time.time()
    postgres.stop()
    postgres.start()
    return began, time.time()
