"""The programme's rules a plan's content must keep (goal years, plan window, weights, departments); audited fields."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind
from shidian.core.errors import DomainError
from shidian.pilots.models import PilotArea
from shidian.plans.models import WorkPlan

TASK_FIELDS = [
    "title",
    "focus_area",
    "lead_department",
    "responsible_user",
    "responsible_name",
    "responsible_contact",
    "deadline",
    "weight",
    "use_working_days",
]
MILESTONE_FIELDS = ["name", "deliverable", "duration_days", "due_by", "planned_start", "planned_finish"]
PROGRESS_FIELDS = ["progress_percent", "status", "note", "finished_on"]


def stage_year(pilot: PilotArea) -> int:
    """The stage-result year of the pilot's batch, from the registry (2017 for batches 1-2, 2018 for batch 3)."""
    return pilot.batch.stage_year


def allowed_goal_years(pilot: PilotArea) -> tuple[int, int]:
    """Goals are set for the stage-result year and the programme's last year (both from the registry)."""
    return (stage_year(pilot), pilot.batch.programme_end_year)


MAX_WEIGHT = 100  # a task's weight among the plan's tasks (the field itself would take 32,767)


def plan_window(plan: WorkPlan) -> tuple[dt.date, dt.date]:
    """The days a plan's tasks and milestones may use: from the plan's start to the programme's end (registry)."""
    return plan.start_date, plan.pilot.batch.programme_end


def check_in_window(plan: WorkPlan, day: dt.date, *, label: str) -> None:
    first, last = plan_window(plan)
    if not first <= day <= last:
        raise DomainError(
            _("%(label)s %(date)s 须在方案起始日期 %(first)s 与试点工作截止日期 %(last)s 之间。")
            % {"label": label, "date": day.isoformat(), "first": first.isoformat(), "last": last.isoformat()}
        )


def check_duration(plan: WorkPlan, duration_days: int, *, name: str) -> None:
    """A milestone's duration is at least one day and no longer than the programme window it must fit in."""
    first, last = plan_window(plan)
    longest = (last - first).days + 1
    if not 1 <= duration_days <= longest:
        raise DomainError(
            _("节点“%(name)s”的工期须在 1 至 %(longest)d 天之间（方案起始日期至试点工作截止日期）。")
            % {"name": name, "longest": longest}
        )


def check_goal_year(pilot: PilotArea, target_year: int) -> None:
    years = allowed_goal_years(pilot)
    if target_year not in years:
        raise DomainError(
            _("“%(pilot)s”是%(batch)s试点，目标年份只能是 %(stage)d 年（阶段目标）或 %(end)d 年。")
            % {"pilot": pilot.name, "batch": pilot.batch, "stage": years[0], "end": years[1]}
        )


def pilot_departments(pilot: PilotArea) -> list[Organisation]:
    """The departments of ``pilot`` (the only ones that may lead or support its tasks)."""
    return list(Organisation.objects.filter(kind=OrganisationKind.PILOT_DEPARTMENT, pilot=pilot).order_by("name"))


def check_department(pilot: PilotArea, organisation: Organisation, *, label: str) -> None:
    if organisation.kind != OrganisationKind.PILOT_DEPARTMENT or organisation.pilot_id != pilot.pk:
        raise DomainError(
            _("%(label)s“%(name)s”不是“%(pilot)s”的政府部门。")
            % {"label": label, "name": organisation.name, "pilot": pilot.name}
        )
