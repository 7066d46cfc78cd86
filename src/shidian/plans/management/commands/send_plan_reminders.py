"""Enqueue (or, with --now, run) the daily plan reminders. Schedule it once a day (cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shidian.core import clock
from shidian.plans import services, tasks


class Command(BaseCommand):
    help = "生成工作方案节点提醒：默认交给任务队列（db_worker 执行）；--now 立即在本进程执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="不经任务队列，立即执行。")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            created = services.create_reminders(today=clock.today())
            self.stdout.write(self.style.SUCCESS(f"已生成 {created} 条提醒。"))
            return
        result = tasks.send_plan_reminders.enqueue()
        self.stdout.write(self.style.SUCCESS(f"提醒任务已加入队列：{result.id}"))
