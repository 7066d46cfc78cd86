"""The one entry point: a user's workbench, by role and reach."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.core import clock, scoping
from shidian.core.roles import Reach, Role
from shidian.workbench.selectors.evaluation import expert_bench, national_evaluation, province_evaluation
from shidian.workbench.selectors.items import Workbench
from shidian.workbench.selectors.milestones import milestone_sections
from shidian.workbench.selectors.ministry import ministry_bench
from shidian.workbench.selectors.nation import national_bench
from shidian.workbench.selectors.pilot import pilot_bench
from shidian.workbench.selectors.province import province_bench

ADMIN_INTRO: dict[str, tuple[str, list[tuple[str, str]]]] = {
    Role.AUDITOR: (
        _("您负责查阅和检索审计日志。检索本身也会被记录。"),
        [("core:audit_log", _("审计日志"))],
    ),
    Role.SECURITY_ADMIN: (
        _("您负责账号、组织和安全策略，可解锁被锁定的账号。"),
        [("admin:index", _("系统管理"))],
    ),
    Role.SYSTEM_ADMIN: (
        _("您负责维护参考数据（省份、区划、批次）和地图边界。"),
        [("admin:index", _("系统管理")), ("regions:map_upload", _("地图边界与审图号"))],
    ),
}


def workbench_for(*, user: Any) -> Workbench:
    """The workbench of ``user``: its sections in the order its work is usually done."""
    today = clock.today()
    scope = scoping.scope_for(user)
    role = getattr(user, "role", "")
    if role in ADMIN_INTRO:
        intro, links = ADMIN_INTRO[role]
        return Workbench(
            today,
            [],
            intro=_("按照三员分立要求，系统管理员、安全管理员和安全审计员不能查看或修改业务数据。") + str(intro),
            links=[(reverse(name), str(label)) for name, label in links],
            empty=_("您的待办事项会在这里出现；目前没有需要处理的事项。"),
        )
    if role == Role.EXPERT:
        sections = expert_bench(user, today)
        return Workbench(today, sections if sections[0].items else [], empty=sections[0].empty)
    if role == Role.MINISTRY_REVIEWER:
        return Workbench(today, ministry_bench(user, today))
    if role == Role.DEPARTMENT_USER:
        overdue, soon = milestone_sections(user, today)
        return Workbench(today, [overdue, soon])
    if scope.reach is Reach.PILOT:
        return Workbench(today, pilot_bench(user, today))
    if scope.reach is Reach.PROVINCE:
        return Workbench(today, province_bench(user, today) + province_evaluation(user, today))
    if scope.reach is Reach.NATION:
        return Workbench(today, national_bench(user, today) + national_evaluation(user, today))
    return Workbench(today, [], empty=_("目前没有需要您处理的事项。"))
