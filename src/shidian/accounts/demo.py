"""The demo accounts: one per role, all with the published demo password (README lists them)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from shidian.accounts import services as account_services
from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import audit
from shidian.core.actors import system
from shidian.core.roles import Role
from shidian.pilots.demo import DEMO_PILOT
from shidian.pilots.models import PilotArea

DEMO_PASSWORD = "Shidian#Demo2026"  # noqa: S105  (published on purpose: demo only)
DEMO_DEPARTMENT = "柳州市住房和城乡建设局（演示）"

# username, role, full name (the organisation follows from the role, and for a ministry from MINISTRY_OF)
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("demo-national", Role.NATIONAL_ADMIN, "国家发展改革委发展规划司（演示）"),
    ("demo-ministry", Role.MINISTRY_REVIEWER, "住房城乡建设部审阅人（演示）"),
    ("demo-natres", Role.MINISTRY_REVIEWER, "自然资源部审阅人（演示）"),
    ("demo-province", Role.PROVINCIAL_OFFICER, "广西发展改革委工作人员（演示）"),
    ("demo-pilot", Role.PILOT_OFFICER, "柳州市试点办工作人员（演示）"),
    ("demo-department", Role.DEPARTMENT_USER, "柳州市住建局工作人员（演示）"),
    ("demo-expert", Role.EXPERT, "评估专家（演示）"),
    ("demo-auditor", Role.AUDITOR, "安全审计员（演示）"),
    ("demo-secadmin", Role.SECURITY_ADMIN, "安全管理员（演示）"),
    ("demo-sysadmin", Role.SYSTEM_ADMIN, "系统管理员（演示）"),
]
# The ministry of each demo ministry reviewer: 住房 difficulties are routed to 住房城乡建设部, 土地 and 规划 ones
# to 自然资源部 (exchange.services.routing), so each has a demo account that can answer them.
MINISTRY_OF = {"demo-ministry": "住房城乡建设部", "demo-natres": "自然资源部"}


def _demo_organisation(username: str, role: str) -> Organisation:
    pilot = PilotArea.objects.get(province__name=DEMO_PILOT[0], name=DEMO_PILOT[1])
    if role == Role.PILOT_OFFICER:
        return account_services.ensure_pilot_organisations(pilot=pilot)
    if role == Role.DEPARTMENT_USER:
        office = account_services.ensure_pilot_organisations(pilot=pilot)
        department, _created = Organisation.objects.get_or_create(
            kind=OrganisationKind.PILOT_DEPARTMENT,
            name=DEMO_DEPARTMENT,
            defaults={"pilot": pilot, "province": pilot.province, "parent": office.parent, "is_demo": True},
        )
        return department
    lookups: dict[str, dict[str, str]] = {
        Role.NATIONAL_ADMIN: {"kind": OrganisationKind.NATIONAL_DIVISION},
        Role.MINISTRY_REVIEWER: {"kind": OrganisationKind.MINISTRY, "name": MINISTRY_OF.get(username, "")},
        Role.PROVINCIAL_OFFICER: {"kind": OrganisationKind.PROVINCIAL_COMMISSION, "province__name": DEMO_PILOT[0]},
        Role.EXPERT: {"kind": OrganisationKind.EXPERT_PANEL},
    }
    lookup = lookups.get(role, {"kind": OrganisationKind.OPERATIONS})
    return Organisation.objects.get(**lookup)


@transaction.atomic
def load_demo_accounts() -> list[User]:
    """Create or reset the demo accounts to their documented password."""
    users = []
    for username, role, full_name in DEMO_ACCOUNTS:
        organisation = _demo_organisation(username, role)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.create_user(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                organisation=organisation,
                full_name=full_name,
                by=system("load_demo"),
                password_is_temporary=False,
                is_demo=True,
            )
        else:
            user.set_password(DEMO_PASSWORD)
            user.password_changed_at = timezone.now()
            user.is_active = True
            user.save(update_fields=["password", "password_changed_at", "is_active"])
            audit.record(action=audit.AuditAction.PASSWORD_RESET, obj=user, username="load_demo", detail={"demo": True})
        users.append(user)
    return users
