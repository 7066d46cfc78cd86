"""The plans a user may reach: pilots and the scoped getters (a hidden object reads as missing)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shidian.accounts.models import Organisation
from shidian.core import scoping
from shidian.core.roles import Capability
from shidian.pilots.models import PilotArea
from shidian.plans.models import AnnualGoal, LeadingGroupMember, Milestone, PlanVersion, Task


def _require_plans(user: Any) -> None:
    scoping.require(user, Capability.VIEW_PLANS)


def visible_pilots(*, user: Any) -> QuerySet[PilotArea]:
    _require_plans(user)
    return scoping.restrict(PilotArea.objects.with_facts(), user)


def get_pilot_for(*, user: Any, pilot_id: int) -> PilotArea:
    _require_plans(user)
    return scoping.get_for(PilotArea.objects.with_facts(), user, pk=pilot_id)


def get_version_for(*, user: Any, version_id: int) -> PlanVersion:
    _require_plans(user)
    return scoping.get_for(
        PlanVersion.objects.select_related("plan__pilot__batch", "plan__pilot__province", "decided_by"),
        user,
        pk=version_id,
    )


def get_task_for(*, user: Any, task_id: int) -> Task:
    _require_plans(user)
    return scoping.get_for(
        Task.objects.select_related("version__plan__pilot", "lead_department"),
        user,
        pk=task_id,
    )


def get_milestone_for(*, user: Any, milestone_id: int) -> Milestone:
    _require_plans(user)
    return scoping.get_for(
        Milestone.objects.select_related("task__version__plan__pilot", "task__lead_department"),
        user,
        pk=milestone_id,
    )


def get_member_for(*, user: Any, member_id: int) -> LeadingGroupMember:
    _require_plans(user)
    return scoping.get_for(
        LeadingGroupMember.objects.select_related("group__pilot"),
        user,
        pk=member_id,
    )


def get_department_for(*, user: Any, department_id: int) -> Organisation:
    _require_plans(user)
    return scoping.get_for(
        Organisation.objects.filter(kind="pilot_department").select_related("pilot"),
        user,
        pk=department_id,
    )


def get_annual_goal_for(*, user: Any, goal_id: int) -> AnnualGoal:
    _require_plans(user)
    return scoping.get_for(
        AnnualGoal.objects.select_related("annual_plan__department"),
        user,
        pk=goal_id,
    )
