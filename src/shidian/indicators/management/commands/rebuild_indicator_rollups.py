"""Recompute the maintained indicator roll-ups from the values table (after a restore or a bulk COPY)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from shidian.indicators import aggregates


class Command(BaseCommand):
    help = "从指标数值表重新计算全部指标汇总（恢复备份或直接 COPY 数据之后运行；平时由各项写入服务随时维护）。"

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        rows = aggregates.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"已重新计算指标汇总：{rows} 行，用时 {time.perf_counter() - start:.1f} 秒。")
        )
