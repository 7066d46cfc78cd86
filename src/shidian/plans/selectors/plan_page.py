"""One plan's page: its tasks, milestones and Gantt bars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch

from shidian.accounts.models import User
from shidian.core import clock
from shidian.core.errors import NotFound
from shidian.pilots.models import PilotArea
from shidian.plans import permissions
from shidian.plans.models import Milestone, PlanVersion, Task, WorkPlan
from shidian.plans.selectors.progress import MilestoneRow, rollup, task_progress
from shidian.plans.selectors.versions import attention_version_ids, current_version_ids, versions_of


@dataclass
class GanttBar:
    milestone: Milestone
    left: float
    width: float
    overdue: bool


@dataclass
class TaskView:
    task: Task
    progress: float | None
    bars: list[GanttBar]
    overdue: int


@dataclass
class PlanPage:
    pilot: PilotArea
    plan: WorkPlan | None
    version: PlanVersion | None
    versions: list[PlanVersion]
    tasks: list[TaskView]
    progress: float | None
    overdue: int
    start: dt.date | None
    end: dt.date | None
    today_left: float | None
    years: list[tuple[int, float]]


def _chosen_version(
    user: User, pilot: PilotArea, versions: list[PlanVersion], version_id: int | None
) -> PlanVersion | None:
    """The version asked for, else the one needing attention (for its office and reviewers), else the one in force."""
    if version_id is None and (permissions.can_edit_plan(user, pilot) or permissions.can_review_plan(user, pilot)):
        version_id = attention_version_ids([pilot.pk]).get(pilot.pk)
    if version_id is None:
        version_id = current_version_ids([pilot.pk]).get(pilot.pk)
    version = next((v for v in versions if v.pk == version_id), None)
    if version_id is not None and version is None:
        raise NotFound
    return version


def _task_views(
    tasks: list[Task], *, pos: Callable[[dt.date], float], span: int, today: dt.date
) -> tuple[list[TaskView], list[MilestoneRow]]:
    """Each task with its progress, its Gantt bars and its overdue count; and every milestone's row."""
    views: list[TaskView] = []
    all_rows: list[MilestoneRow] = []
    for task in tasks:
        bars = []
        rows = []
        for m in task.milestones.all():
            rows.append(
                MilestoneRow(
                    task.pk,
                    task.weight,
                    task.focus_area_label,
                    m.duration_days,
                    m.progress_percent,
                    m.status,
                    m.planned_finish,
                    m.finished_on,
                )
            )
            if m.planned_start and m.planned_finish:
                bars.append(
                    GanttBar(
                        m,
                        pos(m.planned_start),
                        # width by day count: planned_finish + 1 day would overflow on 9999-12-31
                        max(round(100.0 * ((m.planned_finish - m.planned_start).days + 1) / span, 3), 0.3),
                        m.is_overdue(today),
                    )
                )
        all_rows += rows
        views.append(TaskView(task, task_progress(rows), bars, sum(1 for r in rows if r.overdue(today))))
    return views, all_rows


def plan_page(*, user: User, pilot: PilotArea, version_id: int | None = None, today: dt.date | None = None) -> PlanPage:
    """The plan of ``pilot`` as a timeline: the chosen version.

    By default the pilot's office and its reviewing province see the version that needs attention (a draft,
    submitted or returned version newer than the approved one); everyone else sees the one in force.
    """
    if not permissions.sees_pilot(user, pilot):
        raise NotFound
    today = today or clock.today()
    plan = WorkPlan.objects.filter(pilot=pilot).first()
    versions = versions_of(pilot=pilot)
    version = _chosen_version(user, pilot, versions, version_id)
    if version is None:
        return PlanPage(pilot, plan, None, versions, [], None, 0, None, None, None, [])
    tasks = list(
        Task.objects.filter(version=version)
        .select_related("focus_area", "lead_department", "responsible_user")
        .prefetch_related(
            "supporting_departments",
            Prefetch("milestones", queryset=Milestone.objects.prefetch_related("depends_on", "evidence")),
        )
    )
    dates = [d for t in tasks for m in t.milestones.all() for d in (m.planned_start, m.planned_finish) if d]
    start = min([plan.start_date if plan else today, *dates]) if dates else None
    end = max([*(t.deadline for t in tasks), *dates]) if dates else None
    span = max(((end - start).days + 1) if start and end else 1, 1)

    origin = start or today

    def pos(day: dt.date) -> float:
        return round(100.0 * (day - origin).days / span, 3)

    views, all_rows = _task_views(tasks, pos=pos, span=span, today=today)
    # Today is drawn where it falls; after the end of the timeline it is pinned to the right edge.
    today_left = (100.0 if today > end else pos(today) if start <= today else None) if start and end else None
    years = [(y, pos(dt.date(y, 1, 1))) for y in range(start.year + 1, end.year + 1)] if start and end else []
    return PlanPage(
        pilot,
        plan,
        version,
        versions,
        views,
        rollup(all_rows) if all_rows else None,
        sum(v.overdue for v in views),
        start,
        end,
        today_left,
        years,
    )
