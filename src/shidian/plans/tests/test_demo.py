"""The demo plans: deterministic, plausible, 柳州市 approved with the demo department leading tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from shidian.accounts.demo import DEMO_DEPARTMENT
from shidian.accounts.models import Organisation
from shidian.core import clock
from shidian.pilots.models import PilotArea
from shidian.plans import demo, selectors
from shidian.plans.models import LeadingGroupMember, Milestone, MilestoneStatus, PlanStatus, PlanVersion, Task, WorkPlan

pytestmark = pytest.mark.django_db
BUSINESS_DAY = dt.date(2019, 7, 8)


@pytest.fixture(autouse=True)
def _at_the_business_date() -> Iterator[None]:
    with clock.travel_to(BUSINESS_DAY):  # as load_demo does
        yield


def _fingerprint() -> list[tuple[object, ...]]:
    return list(
        Milestone.objects.order_by("task__version__plan__pilot__name", "task__position", "position").values_list(
            "task__version__plan__pilot__name", "task__title", "name", "planned_finish", "status", "progress_percent"
        )
    )


def test_every_pilot_gets_a_plausible_plan() -> None:
    assert demo.load_demo_plans()["plans"] == PilotArea.objects.count()
    assert WorkPlan.objects.filter(is_demo=True).count() == PilotArea.objects.count()
    finishes = list(Milestone.objects.values_list("planned_finish", flat=True))
    assert all(f is not None and dt.date(2014, 12, 29) <= f <= dt.date(2020, 12, 31) for f in finishes)
    statuses = set(Milestone.objects.filter(task__version__status="approved").values_list("status", flat=True))
    assert MilestoneStatus.DONE in statuses and statuses - {MilestoneStatus.DONE}  # some done, some late
    for task in Task.objects.select_related("lead_department", "version__plan")[:200]:
        assert task.lead_department.pilot_id == task.version.plan.pilot_id
        finish = max(m.planned_finish for m in task.milestones.all() if m.planned_finish)
        assert finish <= task.deadline
    assert set(PlanVersion.objects.values_list("status", flat=True)) >= {"approved", "submitted"}
    # Nothing from after the business date; work is current: milestones due soon and overdue.
    assert not Milestone.objects.filter(finished_on__gt=BUSINESS_DAY).exists()
    assert not PlanVersion.objects.filter(submitted_at__date__gt=BUSINESS_DAY).exists()
    approved = Milestone.objects.filter(task__version__status="approved").exclude(status=MilestoneStatus.DONE)
    assert approved.filter(planned_finish__lt=BUSINESS_DAY).exists()
    assert approved.filter(planned_finish__range=(BUSINESS_DAY, BUSINESS_DAY + dt.timedelta(days=30))).exists()
    waiting = PlanVersion.objects.filter(plan__pilot__province__name="广西壮族自治区", status="submitted")
    assert waiting.filter(plan__pilot__name="来宾市").exists()  # demo-province's review queue is never empty
    six_towns = PilotArea.objects.get(name="六景镇")
    assert Task.objects.filter(version__plan__pilot=six_towns, focus_area__code="industry_city").exists()  # its note
    assert LeadingGroupMember.objects.filter(group__pilot=six_towns, role="leader").count() == 2  # history kept


def test_liuzhou_is_approved_and_the_demo_department_leads_tasks() -> None:
    demo.load_demo_plans()
    liuzhou = PilotArea.objects.get(name="柳州市")
    version = PlanVersion.objects.get(plan__pilot=liuzhou)
    assert version.status == PlanStatus.APPROVED and version.review_comment == ""
    department = Organisation.objects.get(name=DEMO_DEPARTMENT)
    assert Task.objects.filter(version=version, lead_department=department).exists()
    due_soon = Milestone.objects.filter(
        task__version=version,
        task__lead_department=department,
        planned_finish__range=(BUSINESS_DAY, BUSINESS_DAY + dt.timedelta(days=30)),
    ).exclude(status=MilestoneStatus.DONE)
    assert due_soon.exists()  # the demo department's workbench has work coming due
    assert version.decided_at is not None and version.decided_at.year == 2015  # approved months after its notice
    facts = selectors.pilot_progress_facts(pilot=liuzhou, period_end=dt.date(2020, 12, 31))
    assert facts["has_plan"] and facts["progress_percent"] is not None and facts["milestones_done"] > 0


def test_demo_is_deterministic_and_repeatable() -> None:
    demo.load_demo_plans()
    first = _fingerprint()
    assert demo.load_demo_plans()["plans"] == 0  # a second run leaves existing plans alone
    assert _fingerprint() == first
    Milestone.objects.all().delete()
    Task.objects.all().delete()
    LeadingGroupMember.objects.all().delete()
    from shidian.plans.models import Goal, LeadingGroup

    Goal.objects.all().delete()
    LeadingGroup.objects.all().delete()
    PlanVersion.objects.all().delete()
    WorkPlan.objects.all().delete()
    demo.load_demo_plans()
    assert _fingerprint() == first
