"""Accounts: create, request (for approval) and change; a change of role, unit or activation is reviewed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import (
    AccountChange,
    AccountChangeKind,
    AccountChangeStatus,
    Organisation,
    User,
)
from shidian.accounts.services.duties import (
    _refuse_admin_duty_through_the_web,
    _require_account_manager,
    check_role_fits,
)
from shidian.accounts.services.passwords import _issue_code, one_time_code_lifetime
from shidian.core import audit
from shidian.core.actors import SystemActor
from shidian.core.errors import DomainError
from shidian.core.roles import ADMIN_DUTIES

USER_FIELDS = ["username", "full_name", "role", "organisation", "is_active", "phone", "email"]
# Changes of these fields change what an account may do: audited as permission changes.
PERMISSION_FIELDS = frozenset({"role", "organisation", "is_active"})
# What the security admin may change on an admin-duty account through the web (the rest: manage.py create_admin).
CONTACT_FIELDS = frozenset({"full_name", "phone", "email"})


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    role: str,
    organisation: Organisation,
    full_name: str = "",
    phone: str = "",
    email: str = "",
    is_active: bool = True,
    by: SystemActor,
    password_is_temporary: bool = True,
    is_demo: bool = False,
) -> User:
    """Create an account on the platform's own authority (set-up, ``create_admin``, demo).

    Through the web, accounts are proposed with ``request_account`` and wait for approval.
    """
    if not isinstance(by, SystemActor):
        raise DomainError(_("网页上新建的账号须经业务管理员审批。"))
    check_role_fits(role=role, organisation=organisation)
    _check_username(username)
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        full_name=full_name,
        phone=phone,
        email=email,
        is_active=is_active,
        is_demo=is_demo,
        is_staff=role in ADMIN_DUTIES,
    )
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = None if password_is_temporary else timezone.now()
    if password_is_temporary:
        user.one_time_code_expires_at = timezone.now() + one_time_code_lifetime()
    user.save()
    audit.record(
        action=audit.AuditAction.USER_CREATED,
        actor=by,
        obj=user,
        changes=audit.diff({}, audit.snapshot(user, USER_FIELDS)),
    )
    return user


@dataclass(frozen=True)
class ProposedAccount:
    """A new account waiting for approval, and its one-time code (shown once, never stored in clear)."""

    user: User
    change: AccountChange
    one_time_code: str


@transaction.atomic
def request_account(
    *,
    username: str,
    role: str,
    organisation: Organisation,
    full_name: str = "",
    phone: str = "",
    email: str = "",
    by: User,
) -> ProposedAccount:
    """Create an inactive business account with a one-time code; it works once the owning level approves it."""
    _require_account_manager(by)
    _refuse_admin_duty_through_the_web(role)
    check_role_fits(role=role, organisation=organisation)
    _check_username(username)
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        full_name=full_name,
        phone=phone,
        email=email,
        is_active=False,
        is_staff=False,
    )
    code = _issue_code(user)
    user.save()
    change = AccountChange.objects.create(
        user=user,
        kind=AccountChangeKind.NEW_ACCOUNT,
        role=role,
        organisation=organisation,
        activate=True,
        requested_by=by,
    )
    audit.record(
        action=audit.AuditAction.USER_CREATED,
        actor=by,
        obj=user,
        changes=audit.diff({}, audit.snapshot(user, USER_FIELDS)),
    )
    audit.record(
        action=audit.AuditAction.ACCOUNT_CHANGE_REQUESTED,
        actor=by,
        obj=change,
        detail={"user": user.username, "kind": change.kind, "role": role, "organisation": organisation},
    )
    return ProposedAccount(user=user, change=change, one_time_code=code)


@dataclass(frozen=True)
class _Standing:
    """What an account may do before a change: its role, unit and activation."""

    role: str
    organisation: Organisation | None
    is_active: bool


def _check_username(username: str, *, other_than: User | None = None) -> None:
    """A valid user name that no other account bears."""
    User.username_validator(username)
    taken = User.objects.filter(username=username)
    if other_than is not None:
        taken = taken.exclude(pk=other_than.pk)
    if taken.exists():
        raise DomainError(_("用户名“%(username)s”已存在。") % {"username": username})


def _set_values(locked: User, values: dict[str, Any], *, before_username: str) -> Organisation:
    """Set the new values on the locked row; return its organisation (an account always has one)."""
    for field, value in values.items():
        if field not in USER_FIELDS:
            raise DomainError(_("不能修改字段：%(field)s") % {"field": field})
        setattr(locked, field, value)
    if locked.organisation is None:
        raise DomainError(_("请选择单位。"))
    if locked.username != before_username:
        _check_username(locked.username, other_than=locked)
    return locked.organisation


def _check_who_changes(
    locked: User, changes: dict[str, list[Any]], *, before_role: str, by: User | SystemActor
) -> None:
    if PERMISSION_FIELDS & changes.keys() and isinstance(by, User) and by.pk == locked.pk:
        # Separation of duties: nobody widens, moves or re-enables their own account.
        raise DomainError(_("不能修改自己账号的角色、单位或启用状态。"))
    touches_admin_duty = before_role in ADMIN_DUTIES or locked.role in ADMIN_DUTIES
    if isinstance(by, User) and touches_admin_duty and changes.keys() - CONTACT_FIELDS:
        # Only contact details of an admin-duty account change through the web.
        _refuse_admin_duty_through_the_web(locked.role if locked.role in ADMIN_DUTIES else before_role)


def _request_review(
    locked: User,
    changes: dict[str, list[Any]],
    *,
    organisation: Organisation,
    before: dict[str, Any],
    before_user: _Standing,
    by: User,
) -> dict[str, list[Any]]:
    """Turn a new role, unit or re-activation into a pending change; return what still changes at once."""
    if AccountChange.objects.filter(user=locked, status=AccountChangeStatus.PENDING).exists():
        raise DomainError(_("该账号已有待审批的变更，请等待审批后再修改。"))
    change = AccountChange.objects.create(
        user=locked,
        kind=AccountChangeKind.CHANGE,
        from_role=before_user.role,
        from_organisation=before_user.organisation,
        from_active=before_user.is_active,
        role=locked.role,
        organisation=organisation,
        activate=locked.is_active,
        requested_by=by,
    )
    requested = {k: changes[k] for k in PERMISSION_FIELDS & changes.keys()}
    audit.record(action=audit.AuditAction.ACCOUNT_CHANGE_REQUESTED, actor=by, obj=change, changes=requested)
    # Until approved the account keeps its role and unit; a pending re-activation keeps it disabled.
    locked.role, locked.organisation = before_user.role, before_user.organisation
    if not before_user.is_active:
        locked.is_active = False
    return audit.diff(before, audit.snapshot(locked, USER_FIELDS))


@transaction.atomic
def update_user(*, user: User, by: User | SystemActor, **values: Any) -> User:
    """Change an account's fields.

    Contact details and deactivation take effect at once. A new role, another organisation or a
    re-activation asked by the security admin becomes a pending ``AccountChange``; the platform itself
    (a system actor: set-up, demo) applies everything directly.
    """
    _require_account_manager(by)
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(locked, USER_FIELDS)
    before_user = _Standing(role=locked.role, organisation=locked.organisation, is_active=locked.is_active)
    organisation = _set_values(locked, values, before_username=before["username"])
    changes = audit.diff(before, audit.snapshot(locked, USER_FIELDS))
    if not changes:
        return locked
    _check_who_changes(locked, changes, before_role=before_user.role, by=by)
    check_role_fits(role=locked.role, organisation=organisation)
    wants_review = "role" in changes or "organisation" in changes or (locked.is_active and not before_user.is_active)
    if isinstance(by, User) and wants_review:
        changes = _request_review(
            locked, changes, organisation=organisation, before=before, before_user=before_user, by=by
        )
        if not changes:
            return locked
    locked.is_staff = locked.role in ADMIN_DUTIES
    locked.save()
    permission_change = PERMISSION_FIELDS & changes.keys()
    audit.record(
        action=audit.AuditAction.USER_PERMISSIONS_CHANGED if permission_change else audit.AuditAction.USER_UPDATED,
        actor=by,
        obj=locked,
        changes=changes,
    )
    return locked
