"""Check the audit trail's hash chain; exit 1 at the first broken or missing link. Schedule it daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shidian.core import audit


class Command(BaseCommand):
    help = "校验审计日志哈希链：报告第一个被改动或缺失的事件（发现问题时退出码为 1）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit.verify_chain(using=options["database"])
        if not report.ok:
            raise CommandError(
                f"审计链在事件 #{report.broken_at} 处断开（此前 {report.checked} 条完好）：{report.problem}"
            )
        self.stdout.write(self.style.SUCCESS(f"审计链完好：共 {report.checked} 条事件，末条哈希 {report.last_hash}。"))
