"""The backup archive: one .tar.gz holding the database dump, the media files and a manifest.

The manifest is the archive's last member, because its checksums are of the
members written before it. Reading verifies every member against it before
anything is extracted, so a truncated, altered or padded archive is refused as
a whole rather than half restored.
"""

import hashlib
import json
import os
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = "database.dump"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one line for the operator."""


class _HashingReader:
    """Reads exactly `size` bytes of a file for tarfile, hashing them on the way.

    The checksum is of the bytes that went into the archive, even if the file
    changes while it is read; a file that shrinks meanwhile is an error, never a
    member padded with zeros.
    """

    def __init__(self, handle, size: int, name: str):
        self.handle, self.left, self.name = handle, size, name
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        wanted = self.left if size is None or size < 0 else min(size, self.left)
        data = self.handle.read(wanted)
        if len(data) < wanted:
            raise BackupError(f"{self.name} got shorter while it was being backed up; run the backup again")
        self.left -= len(data)
        self.digest.update(data)
        return data


class ArchiveWriter:
    """Writes the archive to `<path>.partial` and renames it only when complete."""

    def __init__(self, path: Path):
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.files: dict[str, dict] = {}
        self._tar = None

    def __enter__(self):
        self._tar = tarfile.open(self.partial, "w:gz", compresslevel=6)
        return self

    def add_file(self, name: str, source: Path):
        with open(source, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            info = tarfile.TarInfo(name)
            info.size = size
            info.mode = 0o644
            info.mtime = int(os.fstat(handle.fileno()).st_mtime)
            reader = _HashingReader(handle, size, name)
            self._tar.addfile(info, reader)
        self.files[name] = {"sha256": reader.digest.hexdigest(), "size": size}

    def finish(self, manifest: dict):
        body = json.dumps({**manifest, "format": FORMAT, "files": self.files}, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        info.mode = 0o644
        info.mtime = int(manifest.get("created_at_epoch", 0))
        self._tar.addfile(info, _BytesReader(body))

    def __exit__(self, kind, error, traceback):
        self._tar.close()
        if kind is None:
            with open(self.partial, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(self.partial, self.path)
        else:
            self.partial.unlink(missing_ok=True)


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.position = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size is None or size < 0 else self.position + size
        chunk = self.data[self.position : end]
        self.position += len(chunk)
        return chunk


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name:
        return False
    return name in (MANIFEST, DATABASE_MEMBER) or (name.startswith(MEDIA_PREFIX) and len(path.parts) > 1)


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in tar:
        if not member.isreg():
            raise BackupError(f"the archive holds {member.name!r}, which is not a plain file; refusing it")
        if not _safe_member_name(member.name):
            raise BackupError(f"the archive holds a file named {member.name!r} outside its own folders; refusing it")
        yield member


def _open(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise BackupError(f"no backup archive at {path}")
    try:
        return tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path} is not a readable backup archive ({error}); nothing was restored") from error


def _hash_member(tar: tarfile.TarFile, member: tarfile.TarInfo, sink=None) -> str:
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        if sink is not None:
            sink.write(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class VerifiedArchive:
    path: Path
    manifest: dict

    @property
    def media_names(self) -> list[str]:
        return sorted(name for name in self.manifest["files"] if name.startswith(MEDIA_PREFIX))


def verify(path: Path) -> VerifiedArchive:
    """Read the whole archive and check every member against the manifest; raise BackupError on any difference."""
    seen: dict[str, str] = {}
    manifest = None
    try:
        with _open(path) as tar:
            for member in _members(tar):
                if member.name in seen or (member.name == MANIFEST and manifest is not None):
                    raise BackupError(f"the archive holds {member.name!r} twice; refusing it")
                if member.name == MANIFEST:
                    try:
                        manifest = json.loads(tar.extractfile(member).read())
                    except ValueError as error:
                        raise BackupError(f"the archive's manifest is not valid JSON ({error})") from error
                else:
                    seen[member.name] = _hash_member(tar, member)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(f"{path} is damaged ({error}); nothing was restored") from error
    if manifest is None:
        raise BackupError(f"{path} has no {MANIFEST}: not a backup made by `manage.py backup`")
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupError(
            f"{path} is a backup of format {manifest.get('format')!r}; this version reads format {FORMAT}"
        )
    listed = manifest["files"]
    for name, digest in seen.items():
        if name not in listed:
            raise BackupError(f"the archive holds {name!r}, which its manifest does not list; refusing it")
        if listed[name].get("sha256") != digest:
            raise BackupError(f"checksum mismatch for {name!r}: the archive is corrupt; nothing was restored")
    missing = sorted(set(listed) - set(seen))
    if missing:
        raise BackupError(f"the archive lacks {missing[0]!r} (and {len(missing) - 1} more) that its manifest lists")
    if DATABASE_MEMBER not in seen:
        raise BackupError(f"the archive holds no {DATABASE_MEMBER}")
    return VerifiedArchive(path, manifest)


def extract(archive: VerifiedArchive, database_to: Path, media_to: Path):
    """Write the dump to `database_to` and the media files under `media_to`, checking each checksum again.

    The archive was verified before, but it is read a second time here: a file
    swapped in between must not slip through.
    """
    listed = archive.manifest["files"]
    try:
        with _open(archive.path) as tar:
            for member in _members(tar):
                if member.name == MANIFEST:
                    continue
                if member.name == DATABASE_MEMBER:
                    target = database_to
                else:
                    target = media_to / member.name[len(MEDIA_PREFIX) :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as sink:
                    digest = _hash_member(tar, member, sink)
                if listed.get(member.name, {}).get("sha256") != digest:
                    raise BackupError(f"{member.name!r} changed since the archive was verified; nothing was restored")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(f"{archive.path} could not be read ({error}); nothing was restored") from error
