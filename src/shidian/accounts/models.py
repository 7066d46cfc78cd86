"""Organisations of the programme and their users."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shidian.core.roles import Role
from shidian.core.scoping import ScopePath


class OrganisationKind(models.TextChoices):
    NATIONAL_COMMISSION = "national_commission", _("国家发展改革委")
    NATIONAL_DIVISION = "national_division", _("国家发展改革委内设司局")
    MINISTRY = "ministry", _("联合评审部门")
    PROVINCIAL_COMMISSION = "provincial_commission", _("省级发展改革部门")
    PILOT_GOVERNMENT = "pilot_government", _("试点地区人民政府")
    PILOT_OFFICE = "pilot_office", _("试点工作领导小组办公室")
    PILOT_DEPARTMENT = "pilot_department", _("试点地区政府部门")
    EXPERT_PANEL = "expert_panel", _("评估专家组")
    OPERATIONS = "operations", _("平台运维单位")


# Which organisations a role may belong to.
ROLE_ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    Role.NATIONAL_ADMIN: frozenset({OrganisationKind.NATIONAL_COMMISSION, OrganisationKind.NATIONAL_DIVISION}),
    Role.NATIONAL_OFFICER: frozenset({OrganisationKind.NATIONAL_COMMISSION, OrganisationKind.NATIONAL_DIVISION}),
    Role.MINISTRY_REVIEWER: frozenset({OrganisationKind.MINISTRY, OrganisationKind.NATIONAL_COMMISSION}),
    Role.PROVINCIAL_OFFICER: frozenset({OrganisationKind.PROVINCIAL_COMMISSION}),
    Role.PILOT_OFFICER: frozenset({OrganisationKind.PILOT_GOVERNMENT, OrganisationKind.PILOT_OFFICE}),
    Role.DEPARTMENT_USER: frozenset({OrganisationKind.PILOT_DEPARTMENT}),
    Role.EXPERT: frozenset({OrganisationKind.EXPERT_PANEL}),
    Role.AUDITOR: frozenset({OrganisationKind.OPERATIONS}),
    Role.SECURITY_ADMIN: frozenset({OrganisationKind.OPERATIONS}),
    Role.SYSTEM_ADMIN: frozenset({OrganisationKind.OPERATIONS}),
}

PILOT_KINDS = frozenset(
    {OrganisationKind.PILOT_GOVERNMENT, OrganisationKind.PILOT_OFFICE, OrganisationKind.PILOT_DEPARTMENT}
)


class Organisation(models.Model):
    """A unit of the hierarchy: nation ⊃ province ⊃ pilot ⊃ department; plus ministries, panels, operations."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="province", pilot="pilot")

    kind = models.CharField(_("类型"), max_length=30, choices=OrganisationKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("省级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    pilot = models.ForeignKey(
        "pilots.PilotArea",
        verbose_name=_("试点地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="accounts_organisation_unique_name"),
            models.CheckConstraint(
                condition=~models.Q(kind__in=sorted(PILOT_KINDS))
                | (models.Q(pilot__isnull=False) & models.Q(province__isnull=False)),
                name="accounts_organisation_pilot_units_have_pilot",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=OrganisationKind.PROVINCIAL_COMMISSION)
                | (models.Q(province__isnull=False) & models.Q(pilot__isnull=True)),
                name="accounts_organisation_province_units_have_province",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=sorted([*PILOT_KINDS, OrganisationKind.PROVINCIAL_COMMISSION]))
                | (models.Q(province__isnull=True) & models.Q(pilot__isnull=True)),
                name="accounts_organisation_national_units_have_no_area",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def name_on(self, day: dt.date | dt.datetime | None) -> str:
        """The name in force on ``day``: a former name before its rename, else today's name (``name``)."""
        if day is None:
            return self.name
        if isinstance(day, dt.datetime):
            day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
        earlier = [n for n in self.former_names.all() if n.valid_until >= day]
        return min(earlier, key=lambda n: n.valid_until).name if earlier else self.name


class User(AbstractUser):
    """A person with one role in one organisation. Nobody is a superuser (separation of duties)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="users", null=True
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    password_changed_at = models.DateTimeField(
        _("密码修改时间"),
        null=True,
        blank=True,
        help_text=_("为空表示密码由管理员设置，首次登录必须修改。"),
    )
    one_time_code_expires_at = models.DateTimeField(
        _("一次性密码有效期至"),
        null=True,
        blank=True,
        help_text=_("管理员发放的一次性密码在此时间后失效；用户设置自己的密码后清空。"),
    )
    is_demo = models.BooleanField(_("演示账号"), default=False)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(condition=models.Q(is_superuser=False), name="accounts_user_no_superuser"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_role(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role


class OrganisationName(models.Model):
    """A former name of an organisation, in force until ``valid_until`` (the 2018 State Council reorganisation).

    The organisation keeps its identity (users, copies and routing stay with it); ``Organisation.name`` is
    today's name, and a record dated before a rename shows the name then in force.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField(_("曾用名"), max_length=200)
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_until = models.DateField(_("停用日期"))
    change_note = models.CharField(_("变更说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("单位曾用名")
        verbose_name_plural = _("单位曾用名")
        ordering = ["organisation", "valid_until"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="accounts_organisationname_unique_name"),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="accounts_organisationname_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（至 {self.valid_until.isoformat()}）"


class AccountChangeKind(models.TextChoices):
    NEW_ACCOUNT = "new_account", _("新建账号")
    CHANGE = "change", _("变更角色、单位或启用")


class AccountChangeStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class AccountChange(models.Model):
    """A new account, a role change, a move or a re-activation, pending until a business administrator approves it.

    Four eyes (等保 2.0 三员分立): the security admin proposes, the business administrator of the owning
    level approves (national admin for national, ministry, panel and provincial accounts; the provincial
    officer for its pilots' and departments' accounts).
    """

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="account_changes")
    kind = models.CharField(_("类型"), max_length=20, choices=AccountChangeKind.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=AccountChangeStatus.choices, default=AccountChangeStatus.PENDING
    )
    from_role = models.CharField(_("原角色"), max_length=30, blank=True)
    from_organisation = models.ForeignKey(
        Organisation, verbose_name=_("原单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_active = models.BooleanField(_("原启用状态"), default=False)
    role = models.CharField(_("申请角色"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="account_changes"
    )
    activate = models.BooleanField(_("启用"), default=True)
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), null=True, on_delete=models.PROTECT, related_name="account_changes_requested"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account_changes_decided",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    reason = models.CharField(_("驳回理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("账号变更审批")
        verbose_name_plural = _("账号变更审批")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="accounts_accountchange_one_pending_per_user",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="pending") | models.Q(decided_by__isnull=True),
                name="accounts_accountchange_pending_is_undecided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.user.username}"

    @property
    def from_role_label(self) -> str:
        return str(Role(self.from_role).label) if self.from_role in Role.values else self.from_role


class LoginFailure(models.Model):
    """One failed sign-in from one address, whatever the account: the counter against password spraying."""

    ip = models.GenericIPAddressField(_("网络地址"))
    failed_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        indexes = [models.Index(fields=["ip", "failed_at"], name="accounts_loginfailure_ip_time")]

    def __str__(self) -> str:
        return f"{self.ip} {self.failed_at:%Y-%m-%d %H:%M:%S}"
