"""One consistent, dated archive of the database and the uploaded files, and its restore.

The archive is a gzip tar holding ``manifest.json`` (row counts, the audit chain's length and last hash,
a SHA-256 for every member), the database (SQLite: the online backup API, consistent while the server
runs; PostgreSQL: ``pg_dump --format=custom``) and ``media/`` (every file in the default storage).
A ``<archive>.sha256`` file beside it holds the archive's own checksum. Restore checks both checksums
first and refuses a damaged archive or a database that is not empty.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """The archive is damaged or cannot be restored here."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _walk(storage: Storage, prefix: str = "") -> Iterator[str]:
    directories, files = storage.listdir(prefix)
    for name in sorted(files):
        yield f"{prefix}{name}"
    for directory in sorted(directories):
        yield from _walk(storage, f"{prefix}{directory}/")


def row_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows in every table of the database (the manifest's record, compared after a restore)."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from introspection
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _pg_program(name: str) -> str:
    """The PostgreSQL client program, from PG_BIN, the PATH or the Debian location."""
    for candidate in (Path(os.environ.get("PG_BIN", "/nonexistent")) / name, shutil.which(name)):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    fallback = Path("/usr/lib/postgresql/15/bin") / name
    if fallback.is_file():
        return str(fallback)
    raise BackupError(f"{name} not found (apt-get install postgresql-client-15)")


def _pg_env(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    params = connection.settings_dict
    args = ["--dbname", params["NAME"]]
    if params.get("HOST"):
        args += ["--host", params["HOST"]]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", params["USER"]]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return args, env


def _dump_database(connection: BaseDatabaseWrapper, work: Path) -> Path:
    if connection.vendor == "sqlite":
        target = work / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target, isolation_level=None)
        try:
            if connection.in_atomic_block:
                # The online backup API waits for ever on a source with an open write transaction (only a
                # test's transaction is ever open here): copy it by SQL through the same connection instead.
                copy.executescript("\n".join(connection.connection.iterdump()))
            else:
                connection.connection.backup(copy)
        finally:
            copy.close()
        return target
    if connection.vendor == "postgresql":
        target = work / "database.pgdump"
        args, env = _pg_env(connection)
        subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [_pg_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args],
            check=True,
            env=env,
        )
        return target
    raise BackupError(f"no backup method for {connection.vendor}")


@dataclasses.dataclass(frozen=True)
class BackupResult:
    archive: Path
    checksum: str
    manifest: dict[str, Any]


def create_backup(*, directory: Path, using: str = "default", storage: Storage | None = None) -> BackupResult:
    """Write ``shidian-backup-<UTC time>.tar.gz`` and its ``.sha256`` into ``directory``."""
    from shidian.core import audit

    connection = connections[using]
    storage = storage or default_storage
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    archive = directory / f"shidian-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        database = _dump_database(connection, Path(tmp))
        chain = audit.verify_chain(using=using)
        members: dict[str, str] = {database.name: _file_sha256(database)}
        media: list[tuple[str, bytes]] = []
        for name in _walk(storage):
            with storage.open(name, "rb") as handle:
                content = handle.read()
            media.append((name, content))
            members[f"media/{name}"] = _sha256(content)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "database": database.name,
            "row_counts": row_counts(connection),
            "audit_chain": {"events": chain.checked, "last_hash": chain.last_hash, "intact": chain.ok},
            "members": members,
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
        with tarfile.open(archive, "w:gz") as tar:
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(database, arcname=database.name)
            for name, content in media:
                info = tarfile.TarInfo(f"media/{name}")
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    checksum = _file_sha256(archive)
    Path(f"{archive}.sha256").write_text(f"{checksum}  {archive.name}\n", encoding="utf-8")
    return BackupResult(archive=archive, checksum=checksum, manifest=manifest)


def read_archive(archive: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and members of an archive whose checksums all match; BackupError otherwise."""
    sidecar = Path(f"{archive}.sha256")
    if not sidecar.exists():
        raise BackupError(f"{sidecar.name} is missing: the archive cannot be checked")
    expected = sidecar.read_text(encoding="utf-8").split()[0]
    if _file_sha256(archive) != expected:
        raise BackupError("the archive does not match its checksum: it is damaged")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            contents: dict[str, bytes] = {}
            for member in tar.getmembers():
                if not member.isfile() or member.name.startswith("/") or ".." in Path(member.name).parts:
                    raise BackupError(f"unexpected member {member.name!r}")
                handle = tar.extractfile(member)
                if handle is None:
                    raise BackupError(f"unreadable member {member.name!r}")
                contents[member.name] = handle.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"the archive cannot be read: {exc}") from exc
    if MANIFEST not in contents:
        raise BackupError("the archive has no manifest")
    manifest = json.loads(contents.pop(MANIFEST))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown archive format {manifest.get('format')!r}")
    if set(contents) != set(manifest["members"]):
        raise BackupError("the archive's members differ from its manifest")
    for name, content in contents.items():
        if _sha256(content) != manifest["members"][name]:
            raise BackupError(f"{name} does not match its checksum")
    return manifest, contents


def restore_backup(
    *,
    archive: Path,
    using: str = "default",
    connection: BaseDatabaseWrapper | None = None,
    storage: Storage | None = None,
) -> dict[str, Any]:
    """Bring an archive back into an empty database and storage; return its manifest."""
    manifest, contents = read_archive(archive)
    connection = connection or connections[using]
    storage = storage or default_storage
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"the archive is of {manifest['vendor']}, this installation uses {connection.vendor}")
    with connection.cursor() as cursor:
        if connection.introspection.table_names(cursor):
            raise BackupError("the database is not empty: restore only into a new, empty installation")
    if next(_walk(storage), None) is not None:
        raise BackupError("the file storage is not empty: restore only into a new, empty installation")
    database = contents.pop(manifest["database"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / manifest["database"]
        path.write_bytes(database)
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(path) as source:
                source.backup(connection.connection)
            source.close()
        else:
            args, env = _pg_env(connection)
            subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                [_pg_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *args, str(path)],
                check=True,
                env=env,
            )
    for name, content in contents.items():
        storage.save(name.removeprefix("media/"), ContentFile(content))
    return manifest
