"""Restore an archive written by ``backup`` into an empty installation; a damaged archive is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shidian.core import audit, backup


class Command(BaseCommand):
    help = "从 backup 生成的归档恢复到一个空的新安装；校验和不符或数据库非空时拒绝。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="归档文件（旁边须有同名 .sha256 文件）")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        try:
            manifest = backup.restore_backup(archive=archive, using=options["database"])
        except backup.BackupError as exc:
            raise CommandError(f"拒绝恢复：{exc}") from exc
        report = audit.verify_chain(using=options["database"])
        expected = manifest["audit_chain"]
        if (report.checked, report.last_hash) != (expected["events"], expected["last_hash"]):
            raise CommandError(f"恢复后的审计链与备份时不符：{report.problem or report.checked}")
        if options["database"] == "default":
            audit.record(
                action=audit.AuditAction.BACKUP_RESTORED,
                username="manage.py restore",
                detail={"archive": archive.name, "created_at": manifest["created_at"]},
            )
        self.stdout.write(self.style.SUCCESS(f"已恢复 {archive.name}（备份于 {manifest['created_at']}）。"))
