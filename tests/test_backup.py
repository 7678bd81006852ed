"""`manage.py backup` and `manage.py restore` on PostgreSQL, run as an operator runs them.

The site backed up is a copy of this run's test database (the Troms content,
committed once per run) with an image and a document uploaded, on a database
of its own; every GraphQL answer it gives (tests/graphql_answers.py) and the
bytes of every file those answers link to are compared with the restored
copy's, on a fresh empty database and media folder. Each command runs in a
process of its own with production settings, as `make backup` and `make
restore` do.
"""

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from wagtail.models import Page

from ops.archive import MANIFEST

# The test database must be made and loaded, though these tests read it only through other processes.
pytestmark = pytest.mark.django_db

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


class Server:
    """The test run's PostgreSQL server: databases made for one test and dropped after it."""

    def __init__(self):
        self.params = connection.settings_dict
        self.made: list[str] = []

    def _admin(self):
        return psycopg.connect(
            dbname="postgres",
            host=self.params["HOST"] or None,
            port=self.params["PORT"] or None,
            user=self.params["USER"] or None,
            password=self.params["PASSWORD"] or None,
            autocommit=True,
        )

    def create(self, purpose: str) -> str:
        name = f"backup_{purpose}_{uuid.uuid4().hex[:10]}"
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return name

    def drop_all(self):
        with self._admin() as admin:
            for name in self.made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def url(self, name: str) -> str:
        p = self.params
        credentials = quote(p["USER"] or "", safe="") + (":" + quote(p["PASSWORD"], safe="") if p["PASSWORD"] else "")
        return f"postgres://{credentials}@{p['HOST'] or '127.0.0.1'}:{p['PORT'] or 5432}/{name}"

    def libpq(self, name: str) -> dict:
        p = self.params
        return {
            **os.environ,
            "PGHOST": p["HOST"] or "127.0.0.1",
            "PGPORT": str(p["PORT"] or 5432),
            "PGUSER": p["USER"] or "",
            "PGPASSWORD": p["PASSWORD"] or "",
            "PGDATABASE": name,
        }

    def copy_of_test_database(self, purpose: str) -> str:
        """A new database holding what this run's test database has committed: the Troms content."""
        name = self.create(purpose)
        dump = subprocess.run(
            [shutil.which("pg_dump"), "--format=custom"],
            env=self.libpq(self.params["NAME"]),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [shutil.which("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", name],
            env=self.libpq(name),
            input=dump.stdout,
            check=True,
            capture_output=True,
        )
        return name

    def execute(self, name: str, sql: str):
        with psycopg.connect(self.url(name), autocommit=True) as conn:
            conn.execute(sql)

    def count(self, name: str, sql: str) -> int:
        with psycopg.connect(self.url(name)) as conn:
            return conn.execute(sql).fetchone()[0]


class Site:
    """The CMS on one database and media folder, driven by manage.py in processes of its own."""

    def __init__(self, server: Server, database: str, media: Path):
        self.database, self.media = database, media
        self.env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
        self.env.update(
            DJANGO_SETTINGS_MODULE="cms.settings.production",
            DATABASE_URL=server.url(database),
            MEDIA_ROOT=str(media),
            SECRET_KEY=secrets.token_urlsafe(64),
            SECURE_SSL_REDIRECT="false",
            ALLOWED_HOSTS="testserver",
            LOG_LEVEL="WARNING",
            # One client asks every question here; production's per-client limits are for the public.
            RATE_LIMITS="false",
        )

    def manage(self, *args, check=True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [*MANAGE, *args], cwd=settings.BASE_DIR, env=self.env, capture_output=True, text=True, timeout=300
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
        return result

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code).stdout

    def answers(self, before: str = "") -> dict:
        out = self.shell(f"{before}from tests.graphql_answers import print_answers; print_answers()")
        return json.loads(next(line for line in out.splitlines() if line.startswith("ANSWERS "))[len("ANSWERS ") :])

    def backup(self, folder: Path) -> Path:
        self.manage("backup", "--dir", str(folder))
        (archive,) = folder.glob("cms-backup-*.tar.gz")
        return archive

    def restore(self, archive: Path, *extra: str) -> subprocess.CompletedProcess:
        return self.manage("restore", str(archive), *extra, check=False)


def media_tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        made = Server()
        yield made
        made.drop_all()


@pytest.fixture(scope="module")
def backed_up(server, tmp_path_factory):
    """The Troms site with an uploaded image and document, its answers, and a backup of it."""
    work = tmp_path_factory.mktemp("backup")
    site = Site(server, server.copy_of_test_database("source"), work / "media")
    site.media.mkdir()
    # Answers are read before the backup: the image renditions they make are part of what is backed up.
    before = site.answers("from tests.media_content import add_image_and_document; add_image_and_document(); ")
    archive = site.backup(work / "archives")
    return site, before, archive


def fresh_site(server, tmp_path, purpose="target") -> Site:
    return Site(server, server.create(purpose), tmp_path / f"media-{purpose}")


@pytest.mark.postgres
def test_a_restored_backup_answers_every_query_as_the_original_did(server, backed_up, tmp_path):
    source, before, archive = backed_up
    # The site holds what the comparison must cover.
    assert before["answers"]["page /attraktive-samfunn/infrastruktur/ nb"]["page"]["image"]["title"] == "Fiberkabel"
    assert any("/documents/" in url for url in before["files"])
    assert sum(1 for url in before["files"] if "/media/images/" in url) == 9
    assert any(k.startswith("siteSearch") and v["siteSearch"]["totalCount"] for k, v in before["answers"].items())
    assert any(k.startswith("contactPerson ") for k in before["answers"])

    target = fresh_site(server, tmp_path)
    result = target.restore(archive)
    assert result.returncode == 0, result.stderr
    assert "restored" in result.stdout

    after = target.answers()
    assert after["answers"].keys() == before["answers"].keys()
    for key, answer in before["answers"].items():
        assert after["answers"][key] == answer, key
    assert after["files"] == before["files"]
    assert media_tree(target.media) == media_tree(source.media)


@pytest.mark.postgres
def test_the_manifest_names_every_member_its_checksum_the_schema_and_the_engine(backed_up):
    source, _, archive = backed_up
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(MANIFEST).read())
        sums = {name: hashlib.sha256(tar.extractfile(name).read()).hexdigest() for name in names if name != MANIFEST}
    assert names[-1] == MANIFEST
    assert manifest["engine"] == "postgresql"
    assert manifest["created_at"].endswith("+00:00")
    assert {name: entry["sha256"] for name, entry in manifest["files"].items()} == sums
    assert set(sums) == {"database.dump"} | {f"media/{name}" for name in media_tree(source.media)}
    # The copy was made from this run's database: the same migrations are applied.
    applied = MigrationRecorder(connection).applied_migrations()
    assert manifest["schema"]["content_models"] == max(name for app, name in applied if app == "content_models")
    assert manifest["schema"].keys() == {app for app, _ in applied}


@pytest.mark.postgres
def test_a_database_that_holds_anything_is_refused_and_left_alone(server, backed_up, tmp_path):
    source, _, archive = backed_up
    target = Site(server, source.database, tmp_path / "empty-media")
    pages = server.count(source.database, "SELECT count(*) FROM wagtailcore_page")
    result = target.restore(archive)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert f"the database {source.database} (" in result.stderr
    assert "is not empty" in result.stderr
    assert "--force" in result.stderr
    assert server.count(source.database, "SELECT count(*) FROM wagtailcore_page") == pages
    assert not target.media.exists()


@pytest.mark.postgres
def test_a_media_folder_that_holds_anything_is_refused(server, backed_up, tmp_path):
    _, _, archive = backed_up
    target = fresh_site(server, tmp_path)
    (target.media / "images").mkdir(parents=True)
    (target.media / "images" / "someone-elses.png").write_bytes(b"kept")
    result = target.restore(archive)
    assert result.returncode != 0
    assert f"the media folder {target.media} is not empty" in result.stderr
    assert "database" not in result.stderr.split("not empty")[0]
    assert (
        server.count(target.database, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace") == 0
    )
    assert media_tree(target.media) == {"images/someone-elses.png": hashlib.sha256(b"kept").hexdigest()}


def _corrupted(archive: Path, folder: Path, member: str) -> Path:
    """A copy of the archive with one byte of `member` changed (and the gzip stream still valid)."""
    damaged = folder / archive.name
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for info in source.getmembers():
            data = bytearray(source.extractfile(info).read())
            if info.name == member:
                data[len(data) // 2] ^= 0xFF
            target.addfile(info, io.BytesIO(bytes(data)))
    return damaged


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("database.dump", "checksum mismatch for 'database.dump'"),
        ("media", "checksum mismatch for 'media/documents/tiltaksplan.pdf'"),
        ("truncated", "is damaged"),
    ],
)
def test_a_corrupt_archive_is_refused_before_anything_is_touched(backed_up, tmp_path, settings, damage, message):
    _, _, archive = backed_up
    if damage == "truncated":
        damaged = tmp_path / archive.name
        damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    else:
        damaged = _corrupted(
            archive, tmp_path, "database.dump" if damage == "database.dump" else "media/documents/tiltaksplan.pdf"
        )
    settings.MEDIA_ROOT = tmp_path / "media"
    pages = Page.objects.count()
    # Checked first: the message is about the archive, not about this (non-empty) test database.
    with pytest.raises(CommandError, match=re.escape(message)) as refused:
        call_command("restore", str(damaged))
    assert "nothing was restored" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert Page.objects.count() == pages
    assert not (tmp_path / "media").exists()


@pytest.mark.postgres
def test_force_replaces_everything_with_the_backup(server, backed_up, tmp_path):
    source, before, archive = backed_up
    # The source site went on after its backup: an edited title, an extra table, a stray file.
    (source.media / "documents" / "later.pdf").write_bytes(b"later")
    source.shell(
        "from content_models.models import ThemePage\n"
        "page = ThemePage.objects.get(slug='omstilling'); page.title = 'Endret etter backup'\n"
        "page.save_revision().publish()\n"
        "from django.db import connection\n"
        "connection.cursor().execute('CREATE TABLE left_behind (id int)')\n"
    )
    result = source.restore(archive, "--force")
    assert result.returncode == 0, result.stderr
    after = source.answers()
    assert after["answers"] == before["answers"]
    assert after["files"] == before["files"]
    assert "documents/later.pdf" not in media_tree(source.media)
    assert server.count(source.database, "SELECT count(*) FROM pg_tables WHERE tablename = 'left_behind'") == 0


@pytest.mark.postgres
def test_missing_postgresql_tools_are_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PG_BIN_DIR", str(tmp_path))
    with pytest.raises(CommandError) as refused:
        call_command("backup", "--dir", str(tmp_path))
    assert f"pg_dump was not found in PG_BIN_DIR={tmp_path}" in str(refused.value)
    assert "postgresql-client-15" in str(refused.value)
    assert not list(tmp_path.glob("*.tar.gz*"))


def test_sqlite_is_refused_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="cms.settings.test", DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}")
    for command in (["backup", "--dir", str(tmp_path)], ["restore", str(tmp_path / "none.tar.gz")]):
        result = subprocess.run([*MANAGE, *command], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)
        assert result.returncode != 0
        assert result.stderr.strip().count("\n") == 0, result.stderr
        assert "need PostgreSQL" in result.stderr


def test_backups_stay_out_of_git_and_docker_builds_and_compose_keeps_them_in_a_volume():
    assert "/backups/" in (settings.BASE_DIR / ".gitignore").read_text().splitlines()
    assert "backups" in (settings.BASE_DIR / ".dockerignore").read_text().splitlines()
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    backup = compose["services"]["backup"]
    web = compose["services"]["web"]
    assert backup["build"] == web["build"]
    assert "backups:/app/backups" in backup["volumes"]
    assert "media:/app/media" in backup["volumes"]
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT", "SECRET_KEY"):
        assert backup["environment"][name] == web["environment"][name]
    assert "postgresql-client-15" in (settings.BASE_DIR / "Dockerfile").read_text()
