"""Every plans service leaves its audit event: the action, who did it, on which object, what changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Max

from shidian.accounts.models import Organisation, User
from shidian.core.audit import AuditAction
from shidian.core.models import AuditEvent
from shidian.plans import services
from shidian.plans.models import MilestoneStatus
from shidian.plans.tests import factories

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    officer: User
    province: User
    department: User
    plan: Any
    version: Any
    task: Any
    milestone: Any
    department_org: Organisation


def submitted(w: World) -> Any:
    return services.submit_plan(version=w.version, by=w.officer)


def approved(w: World) -> Any:
    submitted(w)
    return services.approve_plan(version=w.version, by=w.province)


# (action, run the service and return the object the event names, actor attribute, expected change subset)
Scenario = tuple[AuditAction, Callable[[World], Any], str, dict[str, Any]]
SCENARIOS: list[Scenario] = [
    (AuditAction.PLAN_CREATED, lambda w: w.plan, "officer", {}),
    (
        AuditAction.PLAN_VERSION_UPDATED,
        lambda w: services.update_plan_texts(
            version=w.version, implementation_plan="实施", action_plan="行动", by=w.officer
        ),
        "officer",
        {"implementation_plan": ["", "实施"]},
    ),
    (AuditAction.PLAN_VERSION_SUBMITTED, submitted, "officer", {"status": ["draft", "submitted"]}),
    (
        AuditAction.PLAN_VERSION_RETURNED,
        lambda w: (submitted(w), services.return_plan(version=w.version, comment="请补充", by=w.province))[1],
        "province",
        {"status": ["submitted", "returned"]},
    ),
    (
        AuditAction.PLAN_VERSION_DRAFT,
        lambda w: (
            submitted(w),
            services.return_plan(version=w.version, comment="请补充", by=w.province),
            services.reopen_plan(version=w.version, by=w.officer),
        )[2],
        "officer",
        {"status": ["returned", "draft"]},
    ),
    (AuditAction.PLAN_VERSION_APPROVED, approved, "province", {"status": ["submitted", "approved"]}),
    (
        AuditAction.PLAN_VERSION_CREATED,
        lambda w: (approved(w), services.start_new_version(plan=w.plan, by=w.officer))[1],
        "officer",
        {},
    ),
    (
        AuditAction.GOAL_CREATED,
        lambda w: services.add_goal(version=w.version, text="目标", target_year=2020, by=w.officer),
        "officer",
        {},
    ),
    (
        AuditAction.GOAL_DELETED,
        lambda w: _deleted(
            services.add_goal(version=w.version, text="目标", target_year=2020, by=w.officer),
            lambda g: services.delete_goal(goal=g, by=w.officer),
        ),
        "officer",
        {},
    ),
    (AuditAction.TASK_CREATED, lambda w: w.task, "officer", {}),
    (
        AuditAction.TASK_UPDATED,
        lambda w: services.update_task(task=w.task, title="改名任务", by=w.officer),
        "officer",
        {"title": ["测试任务1", "改名任务"]},
    ),
    (
        AuditAction.TASK_DELETED,
        lambda w: _deleted(w.task, lambda t: services.delete_task(task=t, by=w.officer)),
        "officer",
        {},
    ),
    (AuditAction.MILESTONE_CREATED, lambda w: w.milestone, "officer", {}),
    (
        AuditAction.MILESTONE_UPDATED,
        lambda w: services.set_dependencies(milestone=w.milestone, depends_on=[], by=w.officer),
        "officer",
        {},
    ),
    (
        AuditAction.MILESTONE_DELETED,
        lambda w: _deleted(w.milestone, lambda m: services.delete_milestone(milestone=m, by=w.officer)),
        "officer",
        {},
    ),
    (
        AuditAction.MILESTONE_PROGRESS,
        lambda w: services.update_milestone_progress(
            milestone=w.milestone, progress_percent=40, status=MilestoneStatus.IN_PROGRESS, by=w.department
        ),
        "department",
        {"progress_percent": [0, 40]},
    ),
    (
        AuditAction.EVIDENCE_ATTACHED,
        lambda w: services.attach_evidence(milestone=w.milestone, file_name="验收.pdf", content=PDF, by=w.department),
        "department",
        {},
    ),
    (
        AuditAction.ANNUAL_PLAN_GENERATED,
        lambda w: services.generate_annual_plan(
            department=w.department_org, year=2018, version=w.version, by=w.officer
        ),
        "officer",
        {},
    ),
    (
        AuditAction.ANNUAL_PLAN_REFRESHED,
        lambda w: (
            services.generate_annual_plan(department=w.department_org, year=2018, version=w.version, by=w.officer),
            services.generate_annual_plan(department=w.department_org, year=2018, version=w.version, by=w.officer),
        )[1],
        "officer",
        {},
    ),
    (
        AuditAction.ANNUAL_GOAL_CREATED,
        lambda w: services.add_annual_goal(
            annual_plan=services.generate_annual_plan(
                department=w.department_org, year=2018, version=w.version, by=w.officer
            ),
            text="自定目标",
            by=w.department,
        ),
        "department",
        {},
    ),
    (
        AuditAction.ANNUAL_GOAL_DELETED,
        lambda w: _deleted(
            services.add_annual_goal(
                annual_plan=services.generate_annual_plan(
                    department=w.department_org, year=2018, version=w.version, by=w.officer
                ),
                text="自定目标",
                by=w.department,
            ),
            lambda g: services.delete_annual_goal(goal=g, by=w.department),
        ),
        "department",
        {},
    ),
    (
        AuditAction.GROUP_MEMBER_APPOINTED,
        lambda w: services.appoint_member(
            pilot=w.plan.pilot, role="leader", person_name="王市长", valid_from=dt.date(2015, 3, 1), by=w.officer
        ),
        "officer",
        {},
    ),
    (
        AuditAction.GROUP_MEMBER_ENDED,
        lambda w: services.end_membership(
            member=services.appoint_member(
                pilot=w.plan.pilot, role="leader", person_name="王市长", valid_from=dt.date(2015, 3, 1), by=w.officer
            ),
            valid_until=dt.date(2017, 1, 1),
            by=w.officer,
        ),
        "officer",
        {},
    ),
]


def _deleted(obj: Any, delete: Callable[[Any], None]) -> Any:
    """Delete ``obj`` and return it with its id still set (the event names the id it had)."""
    pk = obj.pk
    delete(obj)
    obj.pk = pk
    return obj


@pytest.mark.parametrize(("action", "run", "actor", "changes"), SCENARIOS, ids=[s[0].value for s in SCENARIOS])
def test_each_service_records_its_event(
    user: Callable[[str], User], action: AuditAction, run: Callable[[World], Any], actor: str, changes: dict[str, Any]
) -> None:
    watermark = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0
    plan, version, tasks, milestones = factories.make_plan(milestones=1)
    world = World(
        officer=user("demo-pilot"),
        province=user("demo-province"),
        department=user("demo-department"),
        plan=plan,
        version=version,
        task=tasks[0],
        milestone=milestones[0],
        department_org=Organisation.objects.get(name="柳州市住房和城乡建设局（演示）"),
    )
    obj = run(world)
    events = AuditEvent.objects.filter(id__gt=watermark, action=action).order_by("-id")
    event = events.first()
    assert event is not None, f"{action} not recorded"
    assert event.actor == getattr(world, actor)
    assert (event.object_type, event.object_id) == (obj._meta.label, str(obj.pk))
    for field, change in changes.items():
        assert event.changes[field] == change
