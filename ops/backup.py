"""Backups of everything the CMS cannot make again: the PostgreSQL database and the media files.

`make_backup` writes one archive (ops/archive.py): the database dumped by
pg_dump, then every file under MEDIA_ROOT, then a manifest with their
checksums, the schema version (latest applied migration of each app) and the
database engine. The dump comes first: a file uploaded while the media are
copied is one more file, never a row without its file.

`restore_backup` verifies the whole archive before touching anything, refuses
a database or media folder that holds anything (unless forced), loads the
database in one transaction, and only then puts the media files in place.
"""

import datetime
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from publishing.version import bump_content_version

from . import postgres
from .archive import DATABASE_MEMBER, MEDIA_PREFIX, ArchiveWriter, BackupError, extract, verify

# Restores stage media files in here, inside MEDIA_ROOT, so moving them into place never crosses file systems
# (MEDIA_ROOT is often a volume of its own).
STAGING_PREFIX = ".restore-"


def schema_version(alias: str = "default") -> dict[str, str]:
    """The latest applied migration of each app, e.g. {"content_models": "0012_…", …}."""
    latest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        latest[app] = name
    return latest


def media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def archive_name(now: datetime.datetime) -> str:
    return f"cms-backup-{now.strftime('%Y%m%dT%H%M%SZ')}.tar.gz"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    media_files: int
    bytes: int


def make_backup(directory: Path, alias: str = "default") -> BackupResult:
    postgres.require_postgresql(alias)
    media_root = Path(settings.MEDIA_ROOT)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot create the backup folder {directory} ({error.strerror})") from error
    now = datetime.datetime.now(datetime.UTC)
    path = directory / archive_name(now)
    if path.exists():
        raise BackupError(f"{path} exists already; wait a second and run the backup again")
    try:
        schema = schema_version(alias)
        server_major, server_full = postgres.server_version(alias)
    except DatabaseError as error:
        raise BackupError(f"the database cannot be read ({_one_line(error)})") from error
    # Work files sit beside the archive (same disk, no /tmp size limit), hidden from a listing of backups.
    with tempfile.TemporaryDirectory(prefix=".cms-backup-work-", dir=directory) as work:
        dump_file = Path(work) / DATABASE_MEMBER
        dump_version = postgres.dump(dump_file, alias)
        files = media_files(media_root)
        with ArchiveWriter(path) as writer:
            writer.add_file(DATABASE_MEMBER, dump_file)
            for file in files:
                writer.add_file(MEDIA_PREFIX + file.relative_to(media_root).as_posix(), file)
            writer.finish(
                {
                    "created_at": now.isoformat(timespec="seconds"),
                    "created_at_epoch": int(now.timestamp()),
                    "engine": "postgresql",
                    "server_version": server_full,
                    "server_major": server_major,
                    "dump_tool_version": dump_version,
                    "dump_tool_major": int(dump_version.split(".")[0]),
                    "schema": schema,
                }
            )
    return BackupResult(path, len(files), path.stat().st_size)


@dataclass(frozen=True)
class RestoreResult:
    media_files: int
    schema_behind: list[str]


def _check_schema(archived: dict[str, str]) -> list[str]:
    """Refuse a backup from newer code; name the apps whose migrations are behind this code's."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in archived.items() if (app, name) not in known)
    if unknown:
        raise BackupError(
            f"the backup's schema is newer than this code (migration {unknown[0]} is unknown here); "
            "restore it with the version of the CMS that made it"
        )
    return sorted(app for app, name in dict(loader.graph.leaf_nodes()).items() if archived.get(app) != name)


def _empty_or_refuse(alias: str, media_root: Path, force: bool):
    try:
        objects = postgres.objects_in(alias)
    except DatabaseError as error:
        raise BackupError(
            f"the target database cannot be reached ({_one_line(error)}); nothing was restored"
        ) from error
    if force:
        return
    held = []
    if objects:
        held.append(f"the database {connections[alias].settings_dict['NAME']} ({objects} tables and other objects)")
    if media_files(media_root):
        held.append(f"the media folder {media_root}")
    if held:
        raise BackupError(
            f"{' and '.join(held)} {'is' if len(held) == 1 else 'are'} not empty; restore into an empty database and "
            "media folder, or pass --force (FORCE=1) to replace everything in them"
        )


def restore_backup(archive_path: Path, *, force: bool = False, alias: str = "default") -> RestoreResult:
    postgres.require_postgresql(alias)
    archive = verify(archive_path)
    manifest = archive.manifest
    if manifest.get("engine") != "postgresql":
        raise BackupError(f"the backup is of a {manifest.get('engine')!r} database; this restores PostgreSQL only")
    behind = _check_schema(manifest.get("schema", {}))
    media_root = Path(settings.MEDIA_ROOT)
    _empty_or_refuse(alias, media_root, force)
    try:
        media_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media_root))
    except OSError as error:
        raise BackupError(f"cannot write to the media folder {media_root} ({error.strerror})") from error
    try:
        dump_file = staging / DATABASE_MEMBER
        staged_media = staging / "media"
        staged_media.mkdir()
        extract(archive, dump_file, staged_media)
        postgres.restore(dump_file, int(manifest.get("dump_tool_major", 0)), clear=force, alias=alias)
        # From here the database is the backup's; the media files follow it.
        if force:
            for entry in media_root.iterdir():
                if entry != staging:
                    _remove(entry)
        for entry in staged_media.iterdir():
            entry.rename(media_root / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _forget_what_was_kept(alias)
    return RestoreResult(len(archive.media_names), behind)


def _forget_what_was_kept(alias: str):
    """Nothing cached from before the restore may answer for the restored content.

    Every cache of public content is keyed by the content version; the restored
    database carries the number it had when backed up, which a shared cache may
    still hold answers under (from the same site before a rollback, say). A new
    number makes all of them unreachable, and clearing the caches frees them.
    """
    from django.db import transaction

    with transaction.atomic(using=alias):
        bump_content_version()
    for cache in caches.all(initialized_only=False):
        cache.clear()


def _remove(path: Path):
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _one_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
