"""Enqueue (or, with --now, run) the daily notifications. Schedule it once a day (cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shidian.notifications import tasks


class Command(BaseCommand):
    help = "生成每日通知（即将到期、已逾期），补处理审计事件并发送邮件：默认交给任务队列；--now 立即执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="不经任务队列，立即执行。")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            result = tasks.daily_notifications.call()
            self.stdout.write(
                self.style.SUCCESS(
                    f"新增定期通知 {result['periodic']} 条、事件通知 {result['created']} 条；"
                    f"发送邮件 {result['sent']} 封，失败 {result['failed']} 封。"
                )
            )
            return
        queued = tasks.daily_notifications.enqueue()
        self.stdout.write(self.style.SUCCESS(f"每日通知任务已加入队列：{queued.id}"))
