"""Tasks: those a user supports, those of a version."""

from __future__ import annotations

from typing import Any

from shidian.plans.models import PlanVersion, Task
from shidian.plans.selectors.access import _require_plans
from shidian.plans.selectors.diffs import _load
from shidian.plans.selectors.versions import current_version_ids


def supported_tasks(*, user: Any) -> list[Task]:
    """Tasks of the versions in force that the user's organisation supports (配合单位)."""
    _require_plans(user)
    organisation = getattr(user, "organisation", None)
    if organisation is None or organisation.pilot_id is None:
        return []
    current = current_version_ids([organisation.pilot_id])
    return list(
        Task.objects.filter(version_id__in=list(current.values()), supporting_departments=organisation)
        .select_related("lead_department", "focus_area")
        .order_by("deadline", "position")
    )


def tasks_of(*, version: PlanVersion) -> list[Task]:
    """A version's tasks with their departments and milestones (the API's and the diff's read)."""
    return _load(version)
