"""Who may do what with experiences (docs/experiences.md, "Who does what"), on the one scoping module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shidian.core import scoping
from shidian.core.actors import SystemActor
from shidian.core.roles import Capability, Reach
from shidian.experiences.models import Experience
from shidian.pilots.models import PilotArea

if TYPE_CHECKING:
    from shidian.core.actors import Actor


def can_view(user: Actor) -> bool:
    return scoping.can(user, Capability.VIEW_EXPERIENCES)


def can_propose_for(user: Actor, pilot: PilotArea) -> bool:
    """Only the pilot's own office drafts and submits its experiences (and records what it adopted)."""
    if isinstance(user, SystemActor):
        return True
    return scoping.can(user, Capability.PROPOSE_EXPERIENCES) and scoping.sees(user, pilot, level=Reach.PILOT)


def can_edit(user: Actor, experience: Experience) -> bool:
    return experience.is_editable and can_propose_for(user, experience.pilot)


def can_recommend(user: Actor, experience: Experience) -> bool:
    """The province's own officers recommend or return its pilots' experiences."""
    if isinstance(user, SystemActor):
        return True
    return scoping.can(user, Capability.RECOMMEND_EXPERIENCES) and scoping.sees(user, experience, level=Reach.PROVINCE)


def can_select(user: Actor) -> bool:
    """The commission selects into promotion batches, declines and publishes."""
    return isinstance(user, SystemActor) or scoping.can(user, Capability.SELECT_EXPERIENCES)


def can_adopt(user: Actor, experience: Experience) -> bool:
    """Another pilot's office records that it adopted a published experience."""
    pilot_id = getattr(getattr(user, "organisation", None), "pilot_id", None)
    return (
        experience.is_published
        and scoping.can(user, Capability.PROPOSE_EXPERIENCES)
        and pilot_id is not None
        and pilot_id != experience.pilot_id
    )
