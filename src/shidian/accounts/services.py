"""Create and change organisations and accounts. Every change is audited."""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts import permissions
from shidian.accounts.models import (
    ACCOUNT_CHANGE_FLOW,
    ROLE_ORGANISATION_KINDS,
    AccountChange,
    AccountChangeKind,
    AccountChangeStatus,
    Organisation,
    OrganisationKind,
    OrganisationName,
    User,
)
from shidian.core import audit, scoping, transitions
from shidian.core import text as core_text
from shidian.core.actors import SystemActor
from shidian.core.errors import DomainError
from shidian.core.roles import ADMIN_DUTIES, Capability, Role
from shidian.regions.models import Province

NATIONAL_COMMISSION = "国家发展改革委"
PLANNING_DIVISION = "国家发展改革委发展规划司"
OPERATIONS_UNIT = "试点平台运维单位"
EXPERT_PANEL = "国家新型城镇化综合试点评估专家组"
# The 11 departments of the joint review (batch-3 notice), named as the notice names them; the commission
# itself is the first. Those renamed since are created under today's name (organisation_names.csv).
JOINT_REVIEW_MINISTRIES = [
    "中央编办",
    "公安部",
    "民政部",
    "财政部",
    "人力资源社会保障部",
    "国土资源部",
    "住房城乡建设部",
    "农业部",
    "中国人民银行",
    "中国银监会",
]

USER_FIELDS = ["username", "full_name", "role", "organisation", "is_active", "phone", "email"]
# Changes of these fields change what an account may do: audited as permission changes.
PERMISSION_FIELDS = frozenset({"role", "organisation", "is_active"})
# What the security admin may change on an admin-duty account through the web (the rest: manage.py create_admin).
CONTACT_FIELDS = frozenset({"full_name", "phone", "email"})


def provincial_commission_name(province: Province) -> str:
    if province.code == "66":
        return "新疆生产建设兵团发展改革委"
    return f"{province.name}发展改革委"


@transaction.atomic
def ensure_base_organisations() -> None:
    """Create the national, ministerial, provincial and operations units if missing."""
    commission, _created = Organisation.objects.get_or_create(
        kind=OrganisationKind.NATIONAL_COMMISSION, name=NATIONAL_COMMISSION
    )
    Organisation.objects.get_or_create(
        kind=OrganisationKind.NATIONAL_DIVISION, name=PLANNING_DIVISION, defaults={"parent": commission}
    )
    load_organisation_names()  # rename units created under a former name before looking them up
    successors = {(row["kind"], row["former_name"]): row["name"] for row in _organisation_name_rows()}
    for name in JOINT_REVIEW_MINISTRIES:
        current = successors.get((OrganisationKind.MINISTRY, name), name)
        Organisation.objects.get_or_create(kind=OrganisationKind.MINISTRY, name=current)
    for province in Province.objects.all():
        Organisation.objects.get_or_create(
            kind=OrganisationKind.PROVINCIAL_COMMISSION,
            name=provincial_commission_name(province),
            defaults={"province": province, "parent": commission},
        )
    Organisation.objects.get_or_create(kind=OrganisationKind.OPERATIONS, name=OPERATIONS_UNIT)
    Organisation.objects.get_or_create(kind=OrganisationKind.EXPERT_PANEL, name=EXPERT_PANEL)
    load_organisation_names()


def _organisation_name_rows() -> list[dict[str, str]]:
    path = Path(settings.REFERENCE_DATA_DIR) / "organisation_names.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_organisation_names() -> int:
    """Give renamed organisations today's name and keep their former names with dates; idempotent."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in _organisation_name_rows():
        groups.setdefault((row["kind"], row["name"]), []).append(row)
    recorded = 0
    for (kind, current), rows in groups.items():
        names = [current, *(row["former_name"] for row in rows)]
        candidates = {o.name: o for o in Organisation.objects.filter(kind=kind, name__in=names)}
        organisation = candidates.get(current) or next((candidates[n] for n in names if n in candidates), None)
        if organisation is None:
            continue
        if organisation.name != current:
            before = organisation.name
            organisation.name = current
            organisation.save(update_fields=["name"])
            audit.record(
                action=audit.AuditAction.ORGANISATION_RENAMED,
                obj=organisation,
                username="load_reference",
                changes={"name": [before, current]},
            )
        for row in rows:
            _name, created = OrganisationName.objects.update_or_create(
                organisation=organisation,
                name=row["former_name"],
                defaults={
                    "valid_from": dt.date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
                    "valid_until": dt.date.fromisoformat(row["valid_until"]),
                    "change_note": row["source_note"][:300],
                },
            )
            recorded += int(created)
    return recorded


def resolve_organisation(*, kind: str, name: str) -> Organisation | None:
    """The organisation known by ``name`` today or formerly: work addressed to a renamed unit reaches its successor."""
    current = Organisation.objects.filter(kind=kind, name=name).first()
    if current is not None:
        return current
    return Organisation.objects.filter(kind=kind, former_names__name=name).order_by("pk").first()


def pilot_government_name(*, province_name: str, pilot_name: str) -> str:
    """Name a pilot's government unit; the province prefix keeps names unique across provinces."""
    if pilot_name == province_name:
        return f"{pilot_name}人民政府"
    return f"{province_name}{pilot_name}人民政府"


@transaction.atomic
def ensure_pilot_organisations(*, pilot: Any) -> Organisation:
    """Create a pilot's government and its leading-group office if missing; return the office."""
    province_commission = Organisation.objects.filter(
        kind=OrganisationKind.PROVINCIAL_COMMISSION, province_id=pilot.province_id
    ).first()
    government, _created = Organisation.objects.get_or_create(
        kind=OrganisationKind.PILOT_GOVERNMENT,
        pilot=pilot,
        defaults={
            "name": pilot_government_name(province_name=pilot.province.name, pilot_name=pilot.name),
            "province_id": pilot.province_id,
            "parent": province_commission,
        },
    )
    office, _created = Organisation.objects.get_or_create(
        kind=OrganisationKind.PILOT_OFFICE,
        pilot=pilot,
        defaults={
            "name": f"{government.name}新型城镇化综合试点工作领导小组办公室",
            "province_id": pilot.province_id,
            "parent": government,
        },
    )
    return office


def check_role_fits(*, role: str, organisation: Organisation) -> None:
    """Refuse a role that the organisation's kind cannot hold (a provincial officer in a ministry, say)."""
    if role not in Role.values:
        raise DomainError(_("未知角色：%(role)s") % {"role": role})
    if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        raise DomainError(
            _("角色“%(role)s”不能属于“%(kind)s”类单位。")
            % {"role": Role(role).label, "kind": OrganisationKind(organisation.kind).label}
        )


def _require_account_manager(by: User | SystemActor) -> None:
    """Accounts are the security admin's work (or the platform's own, as a system actor: set-up, demo)."""
    if not scoping.can(by, Capability.MANAGE_ACCOUNTS):
        raise DomainError(_("只有安全管理员可以管理账号。"))


def _refuse_admin_duty_through_the_web(role: str) -> None:
    """The three admin duties are granted on the server only (``manage.py create_admin``)."""
    if role in ADMIN_DUTIES:
        raise DomainError(_("安全审计员、安全管理员和系统管理员账号只能在服务器上用 manage.py create_admin 创建。"))


def one_time_code_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.ONE_TIME_CODE_HOURS)


def generate_one_time_code() -> str:
    """A random first password that passes the password policy: 14 characters of four classes."""
    rng = secrets.SystemRandom()
    lower, upper, digits, symbols = "abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "#%+=@"
    chars = [rng.choice(lower) for _i in range(5)]
    chars += [rng.choice(upper) for _i in range(4)]
    chars += [rng.choice(digits) for _i in range(3)]
    chars += [rng.choice(symbols) for _i in range(2)]
    rng.shuffle(chars)
    return "".join(chars)


def _issue_code(user: User) -> str:
    """Set a fresh one-time code as the password: valid for the configured hours, replaced at first login."""
    code = generate_one_time_code()
    user.set_password(code)
    user.password_changed_at = None
    user.one_time_code_expires_at = timezone.now() + one_time_code_lifetime()
    return code


def one_time_code_expired(user: Any) -> bool:
    """True when the account still has an admin-issued code and its time is over."""
    expires = getattr(user, "one_time_code_expires_at", None)
    return getattr(user, "password_changed_at", None) is None and expires is not None and timezone.now() > expires


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
    User.username_validator(username)
    if User.objects.filter(username=username).exists():
        raise DomainError(_("用户名“%(username)s”已存在。") % {"username": username})
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
    User.username_validator(username)
    if User.objects.filter(username=username).exists():
        raise DomainError(_("用户名“%(username)s”已存在。") % {"username": username})
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
    before_role, before_organisation, before_active = locked.role, locked.organisation, locked.is_active
    for field, value in values.items():
        if field not in USER_FIELDS:
            raise DomainError(_("不能修改字段：%(field)s") % {"field": field})
        setattr(locked, field, value)
    if locked.organisation is None:
        raise DomainError(_("请选择单位。"))
    if locked.username != before["username"]:
        User.username_validator(locked.username)
        if User.objects.filter(username=locked.username).exclude(pk=locked.pk).exists():
            raise DomainError(_("用户名“%(username)s”已存在。") % {"username": locked.username})
    changes = audit.diff(before, audit.snapshot(locked, USER_FIELDS))
    if not changes:
        return locked
    permission_change = PERMISSION_FIELDS & changes.keys()
    if permission_change and isinstance(by, User) and by.pk == locked.pk:
        # Separation of duties: nobody widens, moves or re-enables their own account.
        raise DomainError(_("不能修改自己账号的角色、单位或启用状态。"))
    touches_admin_duty = before_role in ADMIN_DUTIES or locked.role in ADMIN_DUTIES
    if isinstance(by, User) and touches_admin_duty and changes.keys() - CONTACT_FIELDS:
        # Only contact details of an admin-duty account change through the web.
        _refuse_admin_duty_through_the_web(locked.role if locked.role in ADMIN_DUTIES else before_role)
    check_role_fits(role=locked.role, organisation=locked.organisation)
    wants_review = "role" in changes or "organisation" in changes or (locked.is_active and not before_active)
    if isinstance(by, User) and wants_review:
        if AccountChange.objects.filter(user=locked, status=AccountChangeStatus.PENDING).exists():
            raise DomainError(_("该账号已有待审批的变更，请等待审批后再修改。"))
        change = AccountChange.objects.create(
            user=locked,
            kind=AccountChangeKind.CHANGE,
            from_role=before_role,
            from_organisation=before_organisation,
            from_active=before_active,
            role=locked.role,
            organisation=locked.organisation,
            activate=locked.is_active,
            requested_by=by,
        )
        requested = {k: changes[k] for k in PERMISSION_FIELDS & changes.keys()}
        audit.record(action=audit.AuditAction.ACCOUNT_CHANGE_REQUESTED, actor=by, obj=change, changes=requested)
        # Until approved the account keeps its role and unit; a pending re-activation keeps it disabled.
        locked.role, locked.organisation = before_role, before_organisation
        if not before_active:
            locked.is_active = False
        changes = audit.diff(before, audit.snapshot(locked, USER_FIELDS))
        if not changes:
            return locked
        permission_change = PERMISSION_FIELDS & changes.keys()
    locked.is_staff = locked.role in ADMIN_DUTIES
    locked.save()
    audit.record(
        action=audit.AuditAction.USER_PERMISSIONS_CHANGED if permission_change else audit.AuditAction.USER_UPDATED,
        actor=by,
        obj=locked,
        changes=changes,
    )
    return locked


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


@transaction.atomic
def issue_one_time_code(*, user: User, by: User) -> str:
    """Reset a business account's password to a fresh one-time code (shown once to the security admin)."""
    _require_account_manager(by)
    if user.pk == by.pk:
        raise DomainError(_("请在“修改密码”页面修改自己的密码。"))
    locked = User.objects.select_for_update().get(pk=user.pk)
    _refuse_admin_duty_through_the_web(locked.role)
    code = _issue_code(locked)
    locked.save(update_fields=["password", "password_changed_at", "one_time_code_expires_at"])
    audit.record(action=audit.AuditAction.PASSWORD_RESET, actor=by, obj=locked)
    return code


@transaction.atomic
def reset_admin_duty_code(*, user: User) -> str:
    """On the server (``create_admin --reset``): a new one-time code for an admin-duty account."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.role not in ADMIN_DUTIES:
        raise DomainError(_("业务账号的密码由安全管理员在网页上重置。"))
    code = _issue_code(locked)
    locked.save(update_fields=["password", "password_changed_at", "one_time_code_expires_at"])
    audit.record(action=audit.AuditAction.PASSWORD_RESET, obj=locked, username="create_admin", detail={"server": True})
    return code


@transaction.atomic
def change_password(*, user: User, new_password: str, by: User) -> User:
    """Set the user's own new password (permanent; it replaces any one-time code)."""
    if by.pk != user.pk:
        raise DomainError(_("只能修改自己的密码；他人的密码由安全管理员重置为一次性密码。"))
    validate_password(new_password, user)
    if user.check_password(new_password):
        raise DomainError(_("新密码不能与当前密码相同。"))
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.one_time_code_expires_at = None
    user.save(update_fields=["password", "password_changed_at", "one_time_code_expires_at"])
    audit.record(action=audit.AuditAction.PASSWORD_CHANGED, actor=by, obj=user)
    return user
