"""Who may raise, handle, see and close difficulties, and send and read notices (docs/exchange.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import scoping
from shidian.core.actors import SystemActor
from shidian.core.roles import Capability, Reach

if TYPE_CHECKING:
    from shidian.exchange.models import Difficulty, Notice
    from shidian.pilots.models import PilotArea


def is_platform(user: User | SystemActor) -> bool:
    """The platform's own jobs (escalation, the demo loader) act for anybody."""
    return isinstance(user, SystemActor)


def acting_organisation(user: User | SystemActor) -> Organisation | None:
    """The department a user handles difficulties for: its ministry, or the commission for its divisions."""
    organisation: Organisation | None = getattr(user, "organisation", None)
    if organisation is not None and organisation.kind == OrganisationKind.NATIONAL_DIVISION:
        return organisation.parent or organisation
    return organisation


def can_view_difficulties(user: User | SystemActor) -> bool:
    return scoping.can(user, Capability.VIEW_DIFFICULTIES)


def handles_all(user: User | SystemActor) -> bool:
    """The commission's officers see every difficulty; a ministry only those routed to it."""
    if is_platform(user):
        return True
    role = getattr(user, "role", "")
    return scoping.scope_for(user).is_national and role != "ministry_reviewer"


def can_raise_for(user: User | SystemActor, pilot: PilotArea) -> bool:
    """A pilot's own office raises its difficulties; its province may raise one for it."""
    if is_platform(user):
        return True
    return scoping.can(user, Capability.RAISE_DIFFICULTIES) and scoping.sees(user, pilot)


def is_lead(user: User | SystemActor, difficulty: Difficulty) -> bool:
    """The user works for the lead department the difficulty is routed to."""
    if is_platform(user):
        return True
    organisation = acting_organisation(user)
    return (
        scoping.can(user, Capability.ANSWER_DIFFICULTIES)
        and organisation is not None
        and organisation.pk == difficulty.lead_id
    )


def is_co_handler(user: User | SystemActor, difficulty: Difficulty) -> bool:
    organisation = acting_organisation(user)
    return (
        scoping.can(user, Capability.ANSWER_DIFFICULTIES)
        and organisation is not None
        and difficulty.co_handlers.filter(pk=organisation.pk).exists()
    )


def is_raiser_side(user: User | SystemActor, difficulty: Difficulty) -> bool:
    """The raising pilot's office, or the province's officers when the province raised it: they close it."""
    if is_platform(user):
        return True
    if not scoping.can(user, Capability.RAISE_DIFFICULTIES):
        return False
    if scoping.sees(user, difficulty, level=Reach.PILOT):
        return True
    raiser_reach = scoping.scope_for(difficulty.raised_by).reach
    return raiser_reach is Reach.PROVINCE and scoping.sees(user, difficulty, level=Reach.PROVINCE)


def can_manage_routing(user: User | SystemActor) -> bool:
    return is_platform(user) or scoping.can(user, Capability.MANAGE_ROUTING)


def can_send_notices(user: User | SystemActor) -> bool:
    return is_platform(user) or scoping.can(user, Capability.SEND_NOTICES)


def can_read_notices(user: User | SystemActor) -> bool:
    return scoping.can(user, Capability.READ_NOTICES)


def sees_receipts(user: User | SystemActor, notice: Notice) -> bool:
    """The sending side sees who read a notice: its organisation, and the commission for every notice."""
    if is_platform(user):
        return True
    if not can_send_notices(user):
        return False
    if handles_all(user):
        return True
    return scoping.sees(user, notice, level=Reach.PROVINCE)
