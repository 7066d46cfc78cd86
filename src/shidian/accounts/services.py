"""Create and change organisations and accounts. Every change is audited."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import ROLE_ORGANISATION_KINDS, Organisation, OrganisationKind, OrganisationName, User
from shidian.core import audit, scoping
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
                action="accounts.organisation.renamed",
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
    by: User | SystemActor,
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
        action="accounts.user.created", actor=by, obj=user, changes=audit.diff({}, audit.snapshot(user, USER_FIELDS))
    )
    return user


@transaction.atomic
def update_user(*, user: User, by: User | SystemActor, **values: Any) -> User:
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
    if permission_change and by.pk == locked.pk:
        # Separation of duties: nobody widens, moves or re-enables their own account.
        raise DomainError(_("不能修改自己账号的角色、单位或启用状态。"))
    locked.save()
    audit.record(
        action="accounts.user.permissions_changed" if permission_change else "accounts.user.updated",
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
        action="accounts.password.changed" if by.pk == user.pk else "accounts.password.reset", actor=by, obj=user
    )
    return user
