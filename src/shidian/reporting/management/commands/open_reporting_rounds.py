"""Run the daily reporting task now: open due rounds. Schedule it once a day (cron/systemd)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shidian.reporting.tasks import open_reporting_rounds


class Command(BaseCommand):
    help = "开启到期的报告轮次（请每天运行一次；报送提醒由 notify_daily 生成）。--enqueue 交给任务队列执行。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="交给任务队列（db_worker）执行")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = open_reporting_rounds.enqueue()
            self.stdout.write(f"已加入任务队列：{result.id}")
            return
        summary = open_reporting_rounds.call()
        self.stdout.write(self.style.SUCCESS(f"已开启 {summary['rounds']} 个报告轮次。"))
