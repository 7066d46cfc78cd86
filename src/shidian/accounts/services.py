"""Create and change organisations and accounts. Every change is audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import ROLE_ORGANISATION_KINDS, Organisation, OrganisationKind, User
from shidian.core import audit, scoping
from shidian.core.errors import DomainError
from shidian.core.roles import ADMIN_DUTIES, Capability, Role
from shidian.regions.models import Province

NATIONAL_COMMISSION = "国家发展改革委"
PLANNING_DIVISION = "国家发展改革委发展规划司"
OPERATIONS_UNIT = "试点平台运维单位"
EXPERT_PANEL = "国家新型城镇化综合试点评估专家组"
# The 11 departments of the joint review (batch-3 notice); the commission itself is the first.
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
    for name in JOINT_REVIEW_MINISTRIES:
        Organisation.objects.get_or_create(kind=OrganisationKind.MINISTRY, name=name)
    for province in Province.objects.all():
        Organisation.objects.get_or_create(
            kind=OrganisationKind.PROVINCIAL_COMMISSION,
            name=provincial_commission_name(province),
            defaults={"province": province, "parent": commission},
        )
    Organisation.objects.get_or_create(kind=OrganisationKind.OPERATIONS, name=OPERATIONS_UNIT)
    Organisation.objects.get_or_create(kind=OrganisationKind.EXPERT_PANEL, name=EXPERT_PANEL)


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


def _require_account_manager(by: User | None) -> None:
    """Accounts are the security admin's work; ``by=None`` is the platform itself (set-up, demo)."""
    if by is not None and not scoping.can(by, Capability.MANAGE_ACCOUNTS):
        raise DomainError(_("只有安全管理员可以管理账号。"))


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
    by: User | None,
    password_is_temporary: bool = True,
    is_demo: bool = False,
) -> User:
    """Create an account. A password set by someone else is temporary: it must be changed at first login."""
    _require_account_manager(by)
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
    user.save()
    audit.record(
        action=audit.AuditAction.USER_CREATED,
        actor=by,
        obj=user,
        changes=audit.diff({}, audit.snapshot(user, USER_FIELDS)),
    )
    return user


@transaction.atomic
def update_user(*, user: User, by: User | None, **values: Any) -> User:
    """Change an account's fields; a change of role or organisation is audited as a permission change."""
    _require_account_manager(by)
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(locked, USER_FIELDS)
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
    check_role_fits(role=locked.role, organisation=locked.organisation)
    locked.is_staff = locked.role in ADMIN_DUTIES
    changes = audit.diff(before, audit.snapshot(locked, USER_FIELDS))
    if not changes:
        return locked
    permission_change = PERMISSION_FIELDS & changes.keys()
    if permission_change and by is not None and by.pk == locked.pk:
        # Separation of duties: nobody widens, moves or re-enables their own account.
        raise DomainError(_("不能修改自己账号的角色、单位或启用状态。"))
    locked.save()
    audit.record(
        action=audit.AuditAction.USER_PERMISSIONS_CHANGED if permission_change else audit.AuditAction.USER_UPDATED,
        actor=by,
        obj=locked,
        changes=changes,
    )
    return locked


@transaction.atomic
def change_password(*, user: User, new_password: str, by: User) -> User:
    """Set a new password: by the user itself it is permanent, by a security admin it is temporary."""
    if by.pk != user.pk:
        _require_account_manager(by)
    validate_password(new_password, user)
    if user.check_password(new_password):
        raise DomainError(_("新密码不能与当前密码相同。"))
    user.set_password(new_password)
    user.password_changed_at = timezone.now() if by.pk == user.pk else None
    user.save(update_fields=["password", "password_changed_at"])
    audit.record(
        action=audit.AuditAction.PASSWORD_CHANGED if by.pk == user.pk else audit.AuditAction.PASSWORD_RESET,
        actor=by,
        obj=user,
    )
    return user
