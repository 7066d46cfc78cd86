"""A plan version's goals."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit
from shidian.core import text as core_text
from shidian.core.errors import DomainError
from shidian.plans.models import Goal, PlanVersion
from shidian.plans.services.rules import check_goal_year
from shidian.plans.services.versions import _lock_editable


@transaction.atomic
def add_goal(*, version: PlanVersion, text: str, target_year: int, by: User) -> Goal:
    locked = _lock_editable(version, by)
    text = core_text.clean(text).strip()
    core_text.check_lengths(Goal, {"text": text})
    if not text:
        raise DomainError(_("目标内容不能为空。"))
    check_goal_year(locked.plan.pilot, target_year)
    goal = Goal.objects.create(
        version=locked, text=text.strip(), target_year=target_year, position=locked.goals.count() + 1
    )
    audit.record(action=audit.AuditAction.GOAL_CREATED, actor=by, obj=goal, detail={"target_year": target_year})
    return goal


@transaction.atomic
def delete_goal(*, goal: Goal, by: User) -> None:
    _lock_editable(goal.version, by)
    audit.record(action=audit.AuditAction.GOAL_DELETED, actor=by, obj=goal)
    goal.delete()
