"""Milestones overdue and due soon (pilots and their departments)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.core import scoping
from shidian.core.roles import Capability
from shidian.plans import selectors as plan_selectors
from shidian.workbench.selectors.items import DUE_SOON_DAYS, INFO, LATE, Item, Section, due_note


def milestone_sections(user: Any, today: dt.date) -> tuple[Section, Section]:
    department = scoping.can(user, Capability.UPDATE_PROGRESS)
    link = reverse("plans:my_tasks") if department else reverse("plans:home")
    overdue = Section(
        "overdue",
        _("逾期未完成的节点"),
        link=link,
        link_label=_("我的任务") if department else _("工作方案"),
        empty=_("没有逾期的节点。"),
    )
    soon = Section(
        "due_soon",
        _("%(days)d 天内到期的节点") % {"days": DUE_SOON_DAYS},
        link=link,
        link_label=overdue.link_label,
        empty=_("%(days)d 天内没有到期的节点。") % {"days": DUE_SOON_DAYS},
    )
    for m in plan_selectors.milestones_due(user=user, today=today, within_days=DUE_SOON_DAYS):
        note, tone = due_note(m.planned_finish, today) if m.planned_finish else ("", INFO)
        item = Item(
            f"{m.task.title} · {m.name}",
            reverse("plans:milestone", kwargs={"milestone_id": m.pk}),
            note="%s · %s" % (note, m.task.lead_department.name) if m.task.lead_department_id else note,  # noqa: UP031
            tone=tone,
            testid=f"milestone-{m.pk}",
        )
        (overdue if tone == LATE else soon).items.append(item)
    return overdue, soon
