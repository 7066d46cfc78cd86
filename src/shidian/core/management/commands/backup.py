"""Write one dated archive of the database and the uploaded files, with its checksum (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from shidian.core import audit, backup


class Command(BaseCommand):
    help = "备份数据库和上传文件：生成一个带日期的归档文件及其 SHA-256 校验文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output-dir", default=str(Path(settings.VAR_DIR) / "backups"), help="归档目录（默认 VAR_DIR/backups）"
        )
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        result = backup.create_backup(directory=Path(options["output_dir"]), using=options["database"])
        chain = result.manifest["audit_chain"]
        audit.record(
            action=audit.AuditAction.BACKUP_CREATED,
            username="manage.py backup",
            detail={"archive": result.archive.name, "sha256": result.checksum, "audit_events": chain["events"]},
        )
        self.stdout.write(self.style.SUCCESS(f"已备份：{result.archive}（SHA-256 {result.checksum}）"))
        if not chain["intact"]:
            self.stderr.write("警告：审计链在备份时已断开，请运行 verify_audit。")
