"""Where `make test` cannot set the machine up, it stops with one line that says what to run.

Each case makes a step impossible (another user, no apt-get, nothing listening) and so can never
install or start anything: tools/machine.sh checks before it acts.
"""

import os
import shutil
import subprocess

import pytest
from django.conf import settings

SCRIPT = str(settings.BASE_DIR / "tools" / "machine.sh")
PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def unprivileged():
    """Run as nobody: no root, so no apt-get install, no starting a server, no writing PostgreSQL's files."""
    if os.getuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.fail("These tests run as root only with setpriv (util-linux), to act as nobody.", pytrace=False)
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def machine(*args, prefix=(), path=None, **env):
    environment = {"PATH": path or os.environ["PATH"], "AGAIN": "make test", **env}
    result = subprocess.run(
        [*prefix, "/bin/bash", SCRIPT, *args], capture_output=True, text=True, env=environment, timeout=60, check=False
    )
    return result


def assert_one_clear_line(result, *expected):
    assert result.returncode != 0
    assert result.stdout == "", "it went on to install or start something"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("make: ")
    for text in expected:
        assert text in lines[0]
    assert lines[0].endswith("`make test` again")


@pytest.fixture
def path_without_apt_get(tmp_path):
    for tool in ("dirname", "id"):
        (tmp_path / tool).symlink_to(shutil.which(tool))
    return str(tmp_path)


def test_a_missing_package_without_root_names_the_sudo_command(unprivileged):
    result = machine("dictionaries", prefix=unprivileged, HUNSPELL_DIR="/nonexistent")
    assert_one_clear_line(
        result, "hunspell-no is missing", "this user cannot install packages", "`sudo apt-get install hunspell-no`"
    )


def test_a_missing_package_without_apt_get_says_to_install_it_by_hand(path_without_apt_get):
    result = machine("dictionaries", path=path_without_apt_get, HUNSPELL_DIR="/nonexistent")
    assert_one_clear_line(result, "hunspell-no is missing", "no apt-get", "install hunspell-no by hand")


def test_an_unreachable_postgresql_is_named(unprivileged):
    result = machine("services", "postgres://postgres@127.0.0.1:1/test", prefix=unprivileged)
    assert_one_clear_line(result, "PostgreSQL is not answering at 127.0.0.1:1", "set PG_URL")


def test_a_stopped_redis_without_root_says_who_must_start_it(unprivileged):
    result = machine("services", PG_URL, prefix=unprivileged, REDIS_PORT="1")
    assert_one_clear_line(result, "Redis is not answering at 127.0.0.1:1", "cannot start it")


def test_a_chromium_that_is_not_there_is_named():
    result = machine("browser", CHROMIUM="/nonexistent/chromium")
    assert_one_clear_line(result, "CHROMIUM=/nonexistent/chromium is not an executable")


def test_a_malformed_pg_url_is_named():
    result = machine("services", "postgres:/nowhere")
    assert result.returncode != 0
    assert (
        result.stderr.strip() == "make: PG_URL must look like postgres://user@host:port/name, got 'postgres:/nowhere'"
    )
