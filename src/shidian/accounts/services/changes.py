"""Decisions on pending account changes: approve or reject, never one's own, by the level's admin."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts import permissions
from shidian.accounts.models import (
    ACCOUNT_CHANGE_FLOW,
    AccountChange,
    AccountChangeKind,
    AccountChangeStatus,
    User,
)
from shidian.accounts.services.duties import check_role_fits
from shidian.accounts.services.passwords import one_time_code_lifetime
from shidian.accounts.services.users import USER_FIELDS
from shidian.core import audit, transitions
from shidian.core import text as core_text
from shidian.core.errors import DomainError


def _guard_decision(by: User) -> Callable[[AccountChange], None]:
    def guard(locked: AccountChange) -> None:
        if locked.status == AccountChangeStatus.PENDING:
            if locked.user_id == by.pk:
                raise DomainError(_("不能审批自己账号的变更。"))
            if not permissions.can_approve_account_change(by, locked):
                raise DomainError(_("只有该账号所属层级的业务管理员可以审批。"))

    return guard


def approve_account_change(*, change: AccountChange, by: User) -> AccountChange:
    """Apply a pending change: the account gets its role, unit and activation; both names are audited."""

    def apply(locked: AccountChange) -> transitions.Effects:
        account = User.objects.select_for_update().get(pk=locked.user_id)
        before = audit.snapshot(account, USER_FIELDS)
        check_role_fits(role=locked.role, organisation=locked.organisation)
        account.role = locked.role
        account.organisation = locked.organisation
        account.is_active = locked.activate
        account.is_staff = False
        if locked.kind == AccountChangeKind.NEW_ACCOUNT and account.password_changed_at is None:
            # The code's 72 hours start when the account becomes usable.
            account.one_time_code_expires_at = timezone.now() + one_time_code_lifetime()
        account.save()
        locked.decided_by, locked.decided_at = by, timezone.now()
        return transitions.Effects(
            fields=["decided_by", "decided_at"],
            changes=audit.diff(before, audit.snapshot(account, USER_FIELDS)),
            detail={"user": account.username, "requested_by": locked.requested_by},
        )

    return transitions.move(
        change,
        AccountChangeStatus.APPROVED,
        flow=ACCOUNT_CHANGE_FLOW,
        by=by,
        guard=_guard_decision(by),
        apply=apply,
        queryset=AccountChange.objects.select_related("organisation", "user"),
    )


def reject_account_change(*, change: AccountChange, by: User, reason: str = "") -> AccountChange:
    """Refuse a pending change; the account stays as it was (a refused new account stays disabled)."""

    def apply(locked: AccountChange) -> transitions.Effects:
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.reason = core_text.clean(reason)[:300]
        return transitions.Effects(
            fields=["decided_by", "decided_at", "reason"],
            detail={"user": locked.user.username, "reason": locked.reason, "requested_by": locked.requested_by},
        )

    return transitions.move(
        change,
        AccountChangeStatus.REJECTED,
        flow=ACCOUNT_CHANGE_FLOW,
        by=by,
        guard=_guard_decision(by),
        apply=apply,
        queryset=AccountChange.objects.select_related("organisation", "user"),
    )
