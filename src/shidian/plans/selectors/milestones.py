"""Milestones: a user's own, those due soon, those due in a year (for the evaluation)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from shidian.core import scoping
from shidian.core.roles import Capability
from shidian.plans.models import Milestone, MilestoneStatus
from shidian.plans.selectors.access import _require_plans
from shidian.plans.selectors.versions import current_version_ids


def my_milestones(*, user: Any) -> list[Milestone]:
    """Milestones of the tasks the user's organisation leads, in the versions in force."""
    _require_plans(user)
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is None:
        return []
    pilot_id = getattr(user.organisation, "pilot_id", None)
    current = current_version_ids([pilot_id] if pilot_id else [])
    return list(
        Milestone.objects.filter(task__version_id__in=list(current.values()), task__lead_department_id=organisation_id)
        .select_related("task__focus_area", "task__version")
        .order_by("planned_finish", "task__position", "position")
    )


def milestones_due(*, user: Any, today: dt.date, within_days: int = 30) -> list[Milestone]:
    """Open milestones of the versions in force due within ``within_days`` days or overdue, earliest first.

    A department sees the milestones of the tasks it leads; a pilot office those of its whole plan.
    """
    if not scoping.can(user, Capability.VIEW_PLANS):
        return []
    scope = scoping.scope_for(user)
    if not scope.pilots:
        return []
    current = current_version_ids(scope.pilots)
    milestones = Milestone.objects.filter(task__version_id__in=list(current.values()))
    if scoping.can(user, Capability.UPDATE_PROGRESS):
        milestones = milestones.filter(task__lead_department_id=getattr(user, "organisation_id", None))
    return list(
        milestones.exclude(status=MilestoneStatus.DONE)
        .filter(planned_finish__lte=today + dt.timedelta(days=within_days))
        .select_related("task", "task__lead_department")
        .order_by("planned_finish", "task__position", "position", "id")
    )


@dataclass(frozen=True)
class DueMilestone:
    """A milestone of a pilot's version in force that fell due in the evaluated year."""

    milestone_id: int
    task: str
    name: str
    duration: int
    due: dt.date
    status: str
    finished_on: dt.date | None
    progress: int

    @property
    def done(self) -> bool:
        return self.status == MilestoneStatus.DONE

    @property
    def on_time(self) -> bool:
        """Done by its due date (a done milestone without a completion date counts as on time)."""
        return self.done and (self.finished_on is None or self.finished_on <= self.due)


def milestones_due_in_year(*, pilot_ids: Iterable[int], year: int) -> dict[int, list[DueMilestone]]:
    """{pilot id: milestones due in ``year``} of each pilot's version in force, in two queries; callers scope.

    A milestone's due date is its planned finish, else the date it is required by.
    """
    versions = current_version_ids(pilot_ids)
    pilot_of = {version_id: pilot_id for pilot_id, version_id in versions.items()}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = (
        Milestone.objects.filter(task__version_id__in=list(versions.values()))
        .filter(Q(planned_finish__range=(start, end)) | Q(planned_finish__isnull=True, due_by__range=(start, end)))
        .values_list(
            "task__version_id",
            "id",
            "task__title",
            "name",
            "duration_days",
            "planned_finish",
            "due_by",
            "status",
            "finished_on",
            "progress_percent",
        )
        .order_by("task__version_id", "id")
    )
    result: dict[int, list[DueMilestone]] = defaultdict(list)
    for version_id, mid, task, name, duration, finish, due_by, status, finished, progress in rows:
        due = finish or due_by
        if due is None:  # excluded by the filter; keeps the type exact
            continue
        result[pilot_of[version_id]].append(DueMilestone(mid, task, name, duration, due, status, finished, progress))
    return dict(result)
