"""Load the reference data and the demo accounts (only where SHIDIAN_DEMO is on)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shidian.accounts.demo import DEMO_PASSWORD
from shidian.bootstrap import data


class Command(BaseCommand):
    help = "载入参考数据和演示账号（仅在 SHIDIAN_DEMO=1 时可用）。可重复执行，结果相同。"

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("演示数据只能在 SHIDIAN_DEMO=1 的环境中载入（演示账号的密码是公开的）。")
        data.load_reference()
        users = data.load_demo()
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入：{len(users)} 个演示账号，密码 {DEMO_PASSWORD}"))
