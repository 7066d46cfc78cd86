"""Load the reference data and the demo accounts (only where SHIDIAN_DEMO is on)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shidian.pilots import demo


class Command(BaseCommand):
    help = "载入参考数据和演示账号（仅在 SHIDIAN_DEMO=1 时可用）。可重复执行，结果相同。"

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("演示数据只能在 SHIDIAN_DEMO=1 的环境中载入（演示账号的密码是公开的）。")
        demo.load_reference()
        users = demo.load_demo_accounts()
        from shidian.plans.demo import load_demo_plans

        load_demo_plans()
        from shidian.indicators.demo import load_demo_indicators

        load_demo_indicators()
        from shidian.reporting.demo import load_demo_reports

        load_demo_reports()
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入：{len(users)} 个演示账号，密码 {demo.DEMO_PASSWORD}"))
