"""Recompute the maintained round completeness from the pilots' history and reports (after a restore or a COPY)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from shidian.reporting import aggregates


class Command(BaseCommand):
    help = "从试点状态记录和报告重新计算各轮报送情况汇总（恢复备份或直接 COPY 数据之后运行；平时由各项服务随时维护）。"

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        rows = aggregates.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"已重新计算报送情况汇总：{rows} 行，用时 {time.perf_counter() - start:.1f} 秒。")
        )
