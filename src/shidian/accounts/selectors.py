"""Reads of accounts and their pending changes, always for a user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from shidian.accounts import permissions
from shidian.accounts.models import AccountChange, AccountChangeStatus, Organisation, OrganisationKind, User
from shidian.core.errors import NotFound
from shidian.core.roles import Role


def _changes() -> QuerySet[AccountChange]:
    return AccountChange.objects.select_related(
        "user", "organisation", "from_organisation", "requested_by", "decided_by"
    )


def account_changes_for(user: User) -> QuerySet[AccountChange]:
    """Every change the auditor may read; for an approver, the changes of the level it approves."""
    if not permissions.can_read_account_changes(user):
        return AccountChange.objects.none()
    if user.role == Role.AUDITOR:
        return _changes()
    condition = permissions.approvable_filter(user)
    if condition is None:
        return AccountChange.objects.none()
    return _changes().filter(condition).exclude(user=user)


def pending_account_changes_for(user: User) -> QuerySet[AccountChange]:
    """The changes waiting for ``user``'s approval (the workbench's queue). The auditor approves nothing."""
    if getattr(user, "role", None) == Role.AUDITOR:
        return AccountChange.objects.none()
    return account_changes_for(user).filter(status=AccountChangeStatus.PENDING)


def get_account_change_for(user: User, change_id: int) -> AccountChange:
    """One change ``user`` may read; missing and hidden both raise NotFound."""
    try:
        return account_changes_for(user).get(pk=change_id)
    except (AccountChange.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound from exc


def province_commission_name(province_id: int) -> str:
    """The province's development and reform commission, as a confirmation page names whom a submission goes to."""
    office = Organisation.objects.filter(kind=OrganisationKind.PROVINCIAL_COMMISSION, province_id=province_id).first()
    return office.name if office else _("省级发展改革部门")
