"""Who may see and change contacts (docs/contacts.md, "Who sees what"), on the one scoping module."""

from __future__ import annotations

from typing import Any

from shidian.accounts.models import User
from shidian.contacts.models import ContactSubmission
from shidian.core import scoping
from shidian.core.actors import SystemActor
from shidian.core.roles import Capability, Reach


def can_view_contacts(user: User | SystemActor) -> bool:
    """The pilot's own office, its province and the commission; never ministries, departments or the public."""
    return scoping.can(user, Capability.VIEW_CONTACTS)


def is_platform(user: User | SystemActor) -> bool:
    """The platform's own jobs (the demo loader) act for any province."""
    return isinstance(user, SystemActor)


def can_edit_submission(user: User | SystemActor, submission: ContactSubmission) -> bool:
    """Only the province's own officers fill in and submit its answer to a round (以省为单位报送)."""
    if is_platform(user):
        return True
    return scoping.can(user, Capability.EDIT_CONTACTS) and scoping.sees(user, submission, level=Reach.PROVINCE)


def can_record_for(user: User | SystemActor, obj: Any) -> bool:
    """A pilot's or a provincial commission's contacts are kept by that province's officers."""
    if is_platform(user):
        return True
    return scoping.can(user, Capability.EDIT_CONTACTS) and scoping.sees(user, obj, level=Reach.PROVINCE)


def can_manage_rounds(user: User | SystemActor) -> bool:
    return scoping.can(user, Capability.MANAGE_CONTACT_ROUNDS)
