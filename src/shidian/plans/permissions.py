"""Who may do what with work plans, built on the one scoping module."""

from __future__ import annotations

from typing import Any

from shidian.core import scoping
from shidian.core.roles import Capability


def sees_pilot(user: Any, pilot: Any) -> bool:
    """Whether ``pilot`` lies within ``user``'s reach."""
    scope = scoping.scope_for(user)
    if not scope.sees_business_data or not scoping.can(user, Capability.VIEW_PLANS):
        return False
    if scope.provinces is not None and pilot.province_id not in scope.provinces:
        return False
    return scope.pilots is None or pilot.pk in scope.pilots


def can_edit_plan(user: Any, pilot: Any) -> bool:
    """The pilot's own leading-group office keeps its plan."""
    scope = scoping.scope_for(user)
    return scoping.can(user, Capability.EDIT_PLANS) and scope.pilots is not None and pilot.pk in scope.pilots


def can_review_plan(user: Any, pilot: Any) -> bool:
    """The provincial commission of the pilot's province guides and approves its plan."""
    scope = scoping.scope_for(user)
    return (
        scoping.can(user, Capability.REVIEW_PLANS)
        and scope.provinces is not None
        and pilot.province_id in scope.provinces
    )


def can_update_milestone(user: Any, milestone: Any) -> bool:
    """A department updates the milestones of the tasks its organisation leads."""
    return (
        scoping.can(user, Capability.UPDATE_PROGRESS)
        and getattr(user, "organisation_id", None) is not None
        and milestone.task.lead_department_id == user.organisation_id
    )
