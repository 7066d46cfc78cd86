"""Rules for the accounts' events (accounts sits below the centre, so its rules live here)."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.accounts.models import AccountChange, User
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.notifications.registry import Kind, Notice, on_event


@on_event(AuditAction.USER_CREATED)
def account_created(event: AuditEvent) -> Iterator[Notice]:
    """The new user learns that the account exists (and that a first password must be changed)."""
    user = User.objects.filter(pk=event.object_id).first()
    if user is None:
        return
    yield Notice(
        kind=Kind.ACCOUNT,
        recipients=[user],
        title=_("您的账号已开通：%(username)s") % {"username": user.username},
        body=_("角色：%(role)s。首次登录请修改密码。") % {"role": user.display_role},
        url=reverse("workbench:home"),
    )


def _change(event: AuditEvent) -> AccountChange | None:
    return AccountChange.objects.select_related("user", "requested_by").filter(pk=event.object_id).first()


@on_event(AuditAction.ACCOUNT_CHANGE_APPROVED)
def account_change_approved(event: AuditEvent) -> Iterator[Notice]:
    """The account's owner and whoever asked for the change learn that it was approved."""
    change = _change(event)
    if change is None:
        return
    yield Notice(
        kind=Kind.ACCOUNT,
        recipients=[u for u in (change.user, change.requested_by) if u is not None],
        title=_("账号变更已批准：%(username)s（%(kind)s）")
        % {"username": change.user.username, "kind": change.get_kind_display()},
        url=reverse("workbench:home"),
    )


@on_event(AuditAction.ACCOUNT_CHANGE_REJECTED)
def account_change_rejected(event: AuditEvent) -> Iterator[Notice]:
    """Whoever asked for a change learns that it was rejected, and why."""
    change = _change(event)
    if change is None or change.requested_by is None:
        return
    yield Notice(
        kind=Kind.ACCOUNT,
        recipients=[change.requested_by],
        title=_("账号变更被驳回：%(username)s（%(kind)s）")
        % {"username": change.user.username, "kind": change.get_kind_display()},
        body=change.reason,
        url=reverse("accounts:changes"),
    )
