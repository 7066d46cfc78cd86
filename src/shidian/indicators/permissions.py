"""Who may do what with indicator data, on top of the one scoping module."""

from __future__ import annotations

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.actors import SystemActor
from shidian.core.errors import NotFound
from shidian.core.roles import Capability
from shidian.indicators.models import DataQualityIssue
from shidian.pilots.models import PilotArea


def can_enter(user: User | SystemActor, pilot: PilotArea) -> bool:
    """Pilot officers enter their own pilot's values."""
    return scoping.can(user, Capability.ENTER_INDICATORS) and scoping.sees(user, pilot)


def can_accept(user: User | SystemActor, pilot: PilotArea) -> bool:
    """Provincial officers (and the commission) accept the values of pilots they oversee."""
    return scoping.can(user, Capability.ACCEPT_INDICATORS) and scoping.sees(user, pilot)


def can_set_targets(user: User | SystemActor, pilot: PilotArea) -> bool:
    """The pilot's office records its work-plan targets; its province may correct them."""
    return can_enter(user, pilot) or can_accept(user, pilot)


def require_set_targets(user: User | SystemActor, pilot: PilotArea) -> None:
    if not can_set_targets(user, pilot):
        raise NotFound


def can_import_for(user: User | SystemActor, pilot: PilotArea) -> bool:
    return scoping.can(user, Capability.IMPORT_INDICATORS) and scoping.sees(user, pilot)


def can_follow_up(user: User | SystemActor, issue: DataQualityIssue) -> bool:
    return scoping.can(user, Capability.FOLLOW_UP_QUALITY) and scoping.sees(user, issue)


def require_enter(user: User | SystemActor, pilot: PilotArea) -> None:
    if not can_enter(user, pilot):
        raise NotFound


def require_accept(user: User | SystemActor, pilot: PilotArea) -> None:
    if not can_accept(user, pilot):
        raise NotFound


def require_follow_up(user: User | SystemActor, issue: DataQualityIssue) -> None:
    if not can_follow_up(user, issue):
        raise NotFound
