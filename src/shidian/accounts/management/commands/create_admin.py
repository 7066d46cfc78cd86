"""Create the first admin-duty accounts on a new installation (there is no superuser)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shidian.accounts import services
from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core.actors import system
from shidian.core.errors import DomainError
from shidian.core.roles import ADMIN_DUTIES


class Command(BaseCommand):
    help = (
        "创建系统管理员、安全管理员或安全审计员账号（首次登录须修改密码）。"
        "密码从终端输入，或取自环境变量 SHIDIAN_ADMIN_PASSWORD。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=False, choices=sorted(str(r) for r in ADMIN_DUTIES))
        parser.add_argument("--full-name", default="")
        parser.add_argument(
            "--reset", action="store_true", help="为已有的三员账号生成新的一次性密码（只显示一次，72 小时内有效）。"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            self._reset(options["username"])
            return
        if not options["role"]:
            raise CommandError("请用 --role 指定角色。")
        services.ensure_base_organisations()
        password = os.environ.get("SHIDIAN_ADMIN_PASSWORD") or getpass.getpass("初始密码：")
        organisation = Organisation.objects.get(kind=OrganisationKind.OPERATIONS)
        try:
            user = services.create_user(
                username=options["username"],
                password=password,
                role=options["role"],
                organisation=organisation,
                full_name=options["full_name"],
                by=system("create_admin"),
            )
        except ValidationError as exc:
            raise CommandError("密码不符合要求：" + "；".join(exc.messages)) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已创建 {user.username}（{user.display_role}），首次登录须修改密码。"))

    def _reset(self, username: str) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有账号 {username}。")
        try:
            code = services.reset_admin_duty_code(user=user)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{user.username} 的一次性密码（只显示这一次，{services.one_time_code_lifetime()} 内有效）：")
        self.stdout.write(code)
