"""Who approves account changes (four eyes on accounts; docs/security.md)."""

from __future__ import annotations

from django.db.models import Q

from shidian.accounts.models import PILOT_KINDS, AccountChange, Organisation, OrganisationKind, User
from shidian.core.roles import Role

# Accounts of these units are approved by the national admin; pilot units' by their provincial officer.
NATIONALLY_APPROVED_KINDS = frozenset(
    {
        OrganisationKind.NATIONAL_COMMISSION,
        OrganisationKind.NATIONAL_DIVISION,
        OrganisationKind.MINISTRY,
        OrganisationKind.PROVINCIAL_COMMISSION,
        OrganisationKind.EXPERT_PANEL,
    }
)


def approves_organisation(user: User, organisation: Organisation) -> bool:
    """Whether ``user`` is the business administrator of the level that owns ``organisation``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if organisation.kind in NATIONALLY_APPROVED_KINDS:
        return bool(user.role == Role.NATIONAL_ADMIN)
    if organisation.kind in PILOT_KINDS:
        own = getattr(user, "organisation", None)
        return bool(
            user.role == Role.PROVINCIAL_OFFICER
            and own is not None
            and own.province_id is not None
            and own.province_id == organisation.province_id
        )
    return False  # operations: admin duties are created on the server only


def approvable_filter(user: User) -> Q | None:
    """The changes ``user`` may approve, as a filter on AccountChange (None: none at all)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role == Role.NATIONAL_ADMIN:
        return Q(organisation__kind__in=sorted(NATIONALLY_APPROVED_KINDS))
    own = getattr(user, "organisation", None)
    if user.role == Role.PROVINCIAL_OFFICER and own is not None and own.province_id is not None:
        return Q(organisation__kind__in=sorted(PILOT_KINDS), organisation__province_id=own.province_id)
    return None


def can_approve_account_change(user: User, change: AccountChange) -> bool:
    """The owning level's administrator approves, never for their own account."""
    return change.user_id != getattr(user, "pk", None) and approves_organisation(user, change.organisation)


def can_read_account_changes(user: User) -> bool:
    """The auditor reads every change; approvers read those they approve."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.role == Role.AUDITOR) or approvable_filter(user) is not None
