"""Run the daily escalation now: unanswered difficulties past their reply deadline go to the commission."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shidian.exchange.tasks import escalate_overdue_difficulties


class Command(BaseCommand):
    help = "将逾期未答复的问题反映提请国家发展改革委督办（请每天运行一次）。--enqueue 交给任务队列执行。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="交给任务队列（db_worker）执行")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = escalate_overdue_difficulties.enqueue()
            self.stdout.write(f"已加入任务队列：{result.id}")
            return
        summary = escalate_overdue_difficulties.call()
        self.stdout.write(self.style.SUCCESS(f"已提请督办 {summary['escalated']} 项逾期问题。"))
