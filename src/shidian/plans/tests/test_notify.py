"""The plans' notices: milestones coming due and overdue (daily), plan versions submitted, returned, approved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from shidian.accounts.models import User
from shidian.notifications import services as notifications
from shidian.notifications.models import Notification
from shidian.plans import services
from shidian.plans.models import Milestone, MilestoneStatus
from shidian.plans.tests import factories

pytestmark = pytest.mark.django_db
UserGetter = Callable[[str], User]


def _kinds(user: User, milestone: Milestone) -> list[tuple[str, str]]:
    url = f"/plans/milestone/{milestone.pk}/"
    return sorted(Notification.objects.filter(recipient=user, url=url).values_list("kind", "source"))


def test_milestones_coming_due_and_overdue_are_notified_once_per_threshold(user: UserGetter, settings: object) -> None:
    settings.PLAN_REMINDER_DAYS = [7, 1]  # type: ignore[attr-defined]
    _plan, _version, _tasks, ms = factories.make_plan(milestones=2, deadline=dt.date(2018, 12, 31))
    last = Milestone.objects.get(pk=ms[-1].pk)
    finish = last.planned_finish
    assert finish is not None
    dept, office = user("demo-department"), user("demo-pilot")
    notifications.derive_periodic(today=finish - dt.timedelta(days=9))
    assert _kinds(dept, last) == []  # outside the window
    notifications.derive_periodic(today=finish - dt.timedelta(days=6))
    notifications.derive_periodic(today=finish - dt.timedelta(days=5))  # same threshold: nothing new
    assert [k for k, _s in _kinds(dept, last)] == ["due"]
    notifications.derive_periodic(today=finish - dt.timedelta(days=1))
    assert [s.rsplit(":", 1)[1] for _k, s in _kinds(dept, last)] == ["within1", "within7"]
    for later in (1, 2):
        notifications.derive_periodic(today=finish + dt.timedelta(days=later))
    assert [k for k, _s in _kinds(dept, last)].count("overdue") == 1
    assert [k for k, _s in _kinds(office, last)] == ["overdue"]  # the pilot's office hears of overdue ones only
    first = Milestone.objects.get(pk=ms[0].pk)
    services.update_milestone_progress(milestone=first, progress_percent=100, status=MilestoneStatus.DONE, by=dept)
    before = Notification.objects.filter(url=f"/plans/milestone/{first.pk}/").count()
    notifications.derive_periodic(today=dt.date(2025, 1, 1))
    assert Notification.objects.filter(url=f"/plans/milestone/{first.pk}/").count() == before  # done: no more


def test_a_returned_plan_reaches_the_pilot_office_with_the_comment(user: UserGetter) -> None:
    _plan, version, _tasks, _ms = factories.make_plan(milestones=1)
    notifications.derive()
    services.submit_plan(version=version, by=user("demo-pilot"))
    services.return_plan(version=version, comment="请补充土地指标。", by=user("demo-province"))
    notifications.derive()
    review = Notification.objects.get(recipient=user("demo-province"), kind="review")
    assert "柳州市" in review.title
    assert review.read_at is not None  # returned: the 待审核 item is settled for the province
    returned = Notification.objects.get(recipient=user("demo-pilot"), kind="returned")
    assert returned.body == "请补充土地指标。" and returned.url == f"/plans/pilot/{version.plan.pilot_id}/"


def test_a_resubmitted_plan_asks_the_province_again_until_it_is_approved(user: UserGetter) -> None:
    _plan, version, _tasks, _ms = factories.make_plan(milestones=1)
    notifications.derive()
    province, pilot = user("demo-province"), user("demo-pilot")
    services.submit_plan(version=version, by=pilot)
    notifications.derive()
    open_reviews = Notification.objects.filter(recipient=province, kind="review", read_at__isnull=True)
    assert open_reviews.count() == 1
    services.return_plan(version=version, comment="请补充。", by=province)
    services.submit_plan(version=version, by=pilot)
    notifications.derive()
    assert open_reviews.count() == 1  # the first request settled by the return, the second open
    services.approve_plan(version=version, by=province)
    notifications.derive()
    assert open_reviews.count() == 0
