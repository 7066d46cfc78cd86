"""Who manages accounts (the security admin or the platform itself) and which role fits which organisation."""

from __future__ import annotations

from django.utils.translation import gettext as _

from shidian.accounts.models import (
    ROLE_ORGANISATION_KINDS,
    Organisation,
    OrganisationKind,
    User,
)
from shidian.core import scoping
from shidian.core.actors import SystemActor
from shidian.core.errors import DomainError
from shidian.core.roles import ADMIN_DUTIES, Capability, Role


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
