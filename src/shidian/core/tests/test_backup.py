"""Backup and restore: one checked archive brings the database, the files and the audit chain back whole."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from shidian.core import audit, backup
from shidian.core.models import AuditEvent

# On PostgreSQL, pg_dump reads through its own connection, so it sees what is committed: the reference data
# and demo accounts of the session. These tests write nothing to the database before the backup, so the
# manifest (read inside the test's transaction) and the dump describe the same rows and the same trail.
pytestmark = pytest.mark.django_db


@pytest.fixture
def media() -> Iterator[list[str]]:
    names = [
        default_storage.save("plans/evidence/验收报告.pdf", ContentFile(b"%PDF-1.4 test")),
        default_storage.save("regions/maps/china.geojson", ContentFile(b'{"type": "FeatureCollection"}')),
    ]
    yield names
    for name in names:
        default_storage.delete(name)


def _wrapper(settings_dict: dict[str, Any], alias: str) -> BaseDatabaseWrapper:
    wrapper: BaseDatabaseWrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias=alias)
    return wrapper


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A second, empty database, as a new installation would have (outside the configured aliases)."""
    default = connections["default"].settings_dict
    if connection.vendor == "sqlite":
        wrapper = _wrapper({**default, "NAME": str(tmp_path / "fresh.sqlite3")}, "restored")
        yield wrapper
        wrapper.close()
        return
    # PostgreSQL: a new database on the same server, created and dropped through the maintenance database.
    name = f"{default['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    maintenance = _wrapper({**default, "NAME": "postgres"}, "maintenance")
    with maintenance.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {maintenance.ops.quote_name(name)}")
    wrapper = _wrapper({**default, "NAME": name}, "restored")
    try:
        yield wrapper
    finally:
        wrapper.close()
        with maintenance.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {maintenance.ops.quote_name(name)}")
        maintenance.close()


def test_a_backup_restores_into_a_fresh_installation(
    tmp_path: Path, media: list[str], fresh_database: BaseDatabaseWrapper
) -> None:
    result = backup.create_backup(directory=tmp_path / "out")
    assert result.archive.name.startswith("shidian-backup-") and result.archive.name.endswith(".tar.gz")
    assert Path(f"{result.archive}.sha256").read_text().split() == [result.checksum, result.archive.name]
    manifest = result.manifest
    assert manifest["row_counts"]["accounts_user"] > 0 and manifest["row_counts"]["core_auditevent"] > 0
    assert manifest["audit_chain"]["intact"] is True
    assert manifest["vendor"] == connection.vendor
    assert manifest["database"] == ("database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump")

    files = InMemoryStorage()
    restored = backup.restore_backup(archive=result.archive, connection=fresh_database, storage=files)
    assert restored["row_counts"] == manifest["row_counts"]
    assert backup.row_counts(fresh_database) == manifest["row_counts"]
    for name in media:
        with files.open(name) as copy, default_storage.open(name) as original:
            assert copy.read() == original.read()
    chain = audit.verify_chain(connection=fresh_database)
    assert chain.ok
    assert (chain.checked, chain.last_hash) == (
        manifest["audit_chain"]["events"],
        manifest["audit_chain"]["last_hash"],
    )


def test_a_damaged_archive_is_refused(tmp_path: Path, fresh_database: BaseDatabaseWrapper) -> None:
    result = backup.create_backup(directory=tmp_path)
    data = bytearray(result.archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    result.archive.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore_backup(archive=result.archive, connection=fresh_database, storage=InMemoryStorage())
    with pytest.raises(CommandError, match="拒绝恢复"):
        call_command("restore", str(result.archive))
    with fresh_database.cursor() as cursor:
        assert fresh_database.introspection.table_names(cursor) == []


def test_an_archive_without_its_checksum_is_refused(tmp_path: Path, fresh_database: BaseDatabaseWrapper) -> None:
    result = backup.create_backup(directory=tmp_path)
    Path(f"{result.archive}.sha256").unlink()
    with pytest.raises(backup.BackupError, match="missing"):
        backup.restore_backup(archive=result.archive, connection=fresh_database, storage=InMemoryStorage())


def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    result = backup.create_backup(directory=tmp_path)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(result.archive))
    assert connection.introspection.table_names()


def test_the_backup_command_writes_the_archive_and_audits_it(tmp_path: Path) -> None:
    call_command("backup", output_dir=str(tmp_path))
    [archive] = tmp_path.glob("shidian-backup-*.tar.gz")
    assert Path(f"{archive}.sha256").exists()
    event = AuditEvent.objects.filter(action=audit.AuditAction.BACKUP_CREATED).latest("id")
    assert event.detail["archive"] == archive.name
