"""Load or update pilots from a CSV or XLSX file with the columns of pilots.csv."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shidian.core.actors import system
from shidian.core.errors import DomainError, ImportRejected
from shidian.pilots import registry_import, services


class Command(BaseCommand):
    help = "导入试点名录（CSV 或 XLSX，列同 pilots.csv）。任何一行有错误则不写入任何内容。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只校验并显示将要进行的变更")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            if path.stat().st_size > settings.REGISTRY_IMPORT_MAX_BYTES:
                raise CommandError(
                    f"文件过大：{path.stat().st_size} 字节，上限 {settings.REGISTRY_IMPORT_MAX_BYTES} 字节。"
                )
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
        try:
            if options["dry_run"]:
                plan = registry_import.plan_registry_import(content)
            else:
                plan = services.apply_registry_import(
                    content=content, file_name=path.name, by=system("import_registry")
                )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败：发现 {len(exc.errors)} 处错误，未写入任何内容。") from exc
        except DomainError as exc:
            raise CommandError(f"导入失败：{exc.message}") from exc
        prefix = "校验通过（未写入）" if options["dry_run"] else "导入完成"
        s = plan.summary
        self.stdout.write(
            self.style.SUCCESS(f"{prefix}：新增 {s['create']}，更新 {s['update']}，未变 {s['unchanged']}。")
        )
