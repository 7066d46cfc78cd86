"""A department's annual plans and their goals."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import audit
from shidian.core import text as core_text
from shidian.core.errors import DomainError
from shidian.plans import permissions
from shidian.plans.models import AnnualGoal, AnnualPlan, Milestone, PlanVersion


def _can_keep_annual_plan(by: User, department: Organisation) -> bool:
    pilot = department.pilot
    if pilot is None:
        return False
    return permissions.can_edit_plan(by, pilot) or (
        permissions.sees_pilot(by, pilot) and by.organisation_id == department.pk
    )


@transaction.atomic
def generate_annual_plan(*, department: Organisation, year: int, version: PlanVersion, by: User) -> AnnualPlan:
    """Create or refresh a department's plan for ``year``: one goal per milestone it leads due that year.

    Free-text goals added by hand are kept; milestone goals are refreshed.
    """
    if department.kind != OrganisationKind.PILOT_DEPARTMENT or department.pilot_id != version.plan.pilot_id:
        raise DomainError(_("年度计划只能为本试点的政府部门生成。"))
    if not _can_keep_annual_plan(by, department):
        raise DomainError(_("只有本试点的工作人员或该部门可以编制年度计划。"))
    annual, created = AnnualPlan.objects.select_for_update().get_or_create(
        department=department, year=year, defaults={"pilot_id": department.pilot_id}
    )
    annual.generated_from = version
    annual.save(update_fields=["generated_from", "updated_at"])
    annual.goals.filter(milestone__isnull=False).delete()
    milestones = (
        Milestone.objects.filter(task__version=version, task__lead_department=department, planned_finish__year=year)
        .select_related("task")
        .order_by("planned_finish", "task__position", "position")
    )
    start = annual.goals.count()
    AnnualGoal.objects.bulk_create(
        AnnualGoal(
            annual_plan=annual,
            position=start + i,
            milestone=m,
            due_on=m.planned_finish,
            text=_("%(task)s：%(milestone)s") % {"task": m.task.title, "milestone": m.name}
            + (_("（%(deliverable)s）") % {"deliverable": m.deliverable} if m.deliverable else ""),
        )
        for i, m in enumerate(milestones, start=1)
    )
    audit.record(
        action=audit.AuditAction.ANNUAL_PLAN_GENERATED if created else audit.AuditAction.ANNUAL_PLAN_REFRESHED,
        actor=by,
        obj=annual,
        detail={"version": version.number, "milestones": len(milestones)},
    )
    return annual


@transaction.atomic
def add_annual_goal(*, annual_plan: AnnualPlan, text: str, by: User, due_on: dt.date | None = None) -> AnnualGoal:
    if not _can_keep_annual_plan(by, annual_plan.department):
        raise DomainError(_("只有本试点的工作人员或该部门可以编制年度计划。"))
    text = core_text.clean(text).strip()
    core_text.check_lengths(AnnualGoal, {"text": text})
    if not text.strip():
        raise DomainError(_("目标内容不能为空。"))
    goal = AnnualGoal.objects.create(
        annual_plan=annual_plan, text=text.strip(), due_on=due_on, position=annual_plan.goals.count() + 1
    )
    audit.record(action=audit.AuditAction.ANNUAL_GOAL_CREATED, actor=by, obj=goal)
    return goal


@transaction.atomic
def delete_annual_goal(*, goal: AnnualGoal, by: User) -> None:
    if not _can_keep_annual_plan(by, goal.annual_plan.department):
        raise DomainError(_("只有本试点的工作人员或该部门可以编制年度计划。"))
    audit.record(action=audit.AuditAction.ANNUAL_GOAL_DELETED, actor=by, obj=goal)
    goal.delete()
