"""Who may do what with work plans, built on the one scoping module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.roles import Capability, Reach
from shidian.pilots.models import PilotArea

if TYPE_CHECKING:
    from shidian.plans.models import Milestone


def sees_pilot(user: User, pilot: PilotArea) -> bool:
    """Whether ``user`` may read plans and ``pilot`` lies within its reach."""
    return scoping.can(user, Capability.VIEW_PLANS) and scoping.sees(user, pilot)


def can_edit_plan(user: User, pilot: PilotArea) -> bool:
    """The pilot's own leading-group office keeps its plan."""
    return scoping.can(user, Capability.EDIT_PLANS) and scoping.sees(user, pilot, level=Reach.PILOT)


def can_review_plan(user: User, pilot: PilotArea) -> bool:
    """The provincial commission of the pilot's province guides and approves its plan."""
    return scoping.can(user, Capability.REVIEW_PLANS) and scoping.sees(user, pilot, level=Reach.PROVINCE)


def can_update_milestone(user: User, milestone: Milestone) -> bool:
    """A department updates the milestones of the tasks its organisation leads."""
    return (
        scoping.can(user, Capability.UPDATE_PROGRESS)
        and getattr(user, "organisation_id", None) is not None
        and milestone.task.lead_department_id == user.organisation_id
    )
