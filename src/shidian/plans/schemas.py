"""What the API shows of work plans: versions, tasks and milestones."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from shidian.core.schemas import InputSchema, IsoDate
from shidian.plans.models import Milestone, PlanVersion, Task


class PlanVersionOut(Schema):
    id: int
    pilot_id: int
    number: int
    status: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_pilot_id(obj: PlanVersion) -> int:
        return obj.plan.pilot_id


class MilestoneOut(Schema):
    id: int
    position: int
    name: str
    deliverable: str
    due_by: dt.date | None
    planned_start: dt.date | None
    planned_finish: dt.date | None
    progress_percent: int
    status: str
    finished_on: dt.date | None
    depends_on: list[int]

    @staticmethod
    def resolve_depends_on(obj: Milestone) -> list[int]:
        return sorted(m.pk for m in obj.depends_on.all())


class TaskOut(Schema):
    id: int
    position: int
    title: str
    focus_area: str
    lead_department: str | None
    deadline: dt.date
    weight: int
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_focus_area(obj: Task) -> str:
        return obj.focus_area.code

    @staticmethod
    def resolve_lead_department(obj: Task) -> str | None:
        return str(obj.lead_department) if obj.lead_department_id else None

    @staticmethod
    def resolve_milestones(obj: Task) -> list[Milestone]:
        return list(obj.milestones.all())


class PlanVersionDetailOut(Schema):
    version: PlanVersionOut
    tasks: list[TaskOut]


class MilestoneDetailOut(MilestoneOut):
    task_id: int
    version_id: int
    pilot_id: int
    note: str
    progress_updated_at: dt.datetime | None

    @staticmethod
    def resolve_version_id(obj: Milestone) -> int:
        return obj.task.version_id

    @staticmethod
    def resolve_pilot_id(obj: Milestone) -> int:
        return obj.task.version.plan.pilot_id


class MilestoneProgressIn(InputSchema):
    """What a lead department reports; 已完成 sets 100 % (and today as the finish date when none is given)."""

    model_config = ConfigDict(extra="forbid")

    progress_percent: int = Field(ge=0, le=100)
    status: Literal["not_started", "in_progress", "done", "blocked"]
    note: str = Field("", max_length=2000)
    finished_on: IsoDate | None = None
