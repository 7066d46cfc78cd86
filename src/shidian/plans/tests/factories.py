"""Build plans through the real services."""

from __future__ import annotations

import datetime as dt

from shidian.accounts import services as account_services
from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core.actors import system
from shidian.core.roles import Role
from shidian.pilots.models import PilotArea
from shidian.plans import services
from shidian.plans.models import FocusArea, Milestone, PlanVersion, Task, WorkPlan


def pilot(province: str = "广西壮族自治区", name: str = "柳州市") -> PilotArea:
    return PilotArea.objects.select_related("batch", "province").get(province__name=province, name=name)


def department(p: PilotArea, name: str) -> Organisation:
    office = account_services.ensure_pilot_organisations(pilot=p)
    org, _created = Organisation.objects.get_or_create(
        kind=OrganisationKind.PILOT_DEPARTMENT,
        name=name,
        defaults={"pilot": p, "province": p.province, "parent": office.parent, "is_demo": True},
    )
    return org


def officer_for(p: PilotArea) -> User:
    """A pilot officer of ``p`` (the demo one for 柳州市, a new one elsewhere)."""
    existing = User.objects.filter(role=Role.PILOT_OFFICER, organisation__pilot=p).first()
    if existing is not None:
        return existing
    office = account_services.ensure_pilot_organisations(pilot=p)
    return account_services.create_user(
        username=f"officer-{p.pk}",
        password="Shidian#Test2026x",
        role=Role.PILOT_OFFICER,
        organisation=office,
        by=system("tests"),
        password_is_temporary=False,
    )


def department_user_for(org: Organisation) -> User:
    existing = User.objects.filter(role=Role.DEPARTMENT_USER, organisation=org).first()
    if existing is not None:
        return existing
    return account_services.create_user(
        username=f"dept-{org.pk}",
        password="Shidian#Test2026x",
        role=Role.DEPARTMENT_USER,
        organisation=org,
        by=system("tests"),
        password_is_temporary=False,
    )


def focus(code: str = "green_smart") -> FocusArea:
    return FocusArea.objects.get(code=code)


def make_plan(
    p: PilotArea | None = None,
    *,
    tasks: int = 1,
    milestones: int = 3,
    deadline: dt.date = dt.date(2018, 12, 31),
    start: dt.date = dt.date(2016, 1, 1),
) -> tuple[WorkPlan, PlanVersion, list[Task], list[Milestone]]:
    """A plan with ``tasks`` tasks of ``milestones`` chained milestones each, led by one department."""
    p = p or pilot()
    by = officer_for(p)
    dept = department(p, f"{p.name}住房和城乡建设局（演示）" if p.name == "柳州市" else f"{p.name}发展改革局（测试）")
    plan = services.ensure_work_plan(pilot=p, by=by, start_date=start)
    version = plan.versions.get(number=1)
    all_tasks: list[Task] = []
    all_ms: list[Milestone] = []
    for i in range(tasks):
        task = services.add_task(
            version=version,
            title=f"测试任务{i + 1}",
            focus_area=focus(),
            lead_department=dept,
            deadline=deadline,
            responsible_name="张三",
            weight=i + 1,
            by=by,
        )
        previous: list[Milestone] = []
        for j in range(milestones):
            m = services.add_milestone(
                task=task, name=f"节点{i + 1}-{j + 1}", duration_days=30, depends_on=previous, deliverable="报告", by=by
            )
            previous = [m]
            all_ms.append(m)
        all_tasks.append(task)
    return plan, version, all_tasks, all_ms


def extend_programme(until: dt.date) -> None:
    """Let the registry's programme run to ``until`` (tasks and milestones must fit in its window)."""
    from shidian.pilots.models import Batch

    Batch.objects.update(rollout_by=until)
