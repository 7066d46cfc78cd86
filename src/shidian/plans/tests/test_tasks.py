"""The daily reminder task and its command (tests run tasks with the immediate backend)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from shidian.core import clock
from shidian.plans import tasks
from shidian.plans.models import Milestone, Reminder
from shidian.plans.tests import factories

pytestmark = pytest.mark.django_db


@clock.travel_to(dt.date(2019, 7, 8))
def test_command_enqueues_the_task_which_creates_reminders_once(settings: pytest.FixtureRequest) -> None:
    today = clock.today()  # the command reminds by the business date, here far from the real one
    factories.extend_programme(today + dt.timedelta(days=30))
    _plan, _version, _tasks, ms = factories.make_plan(
        milestones=1, deadline=today + dt.timedelta(days=7), start=today - dt.timedelta(days=60)
    )
    assert Milestone.objects.get(pk=ms[0].pk).planned_finish == today + dt.timedelta(days=7)
    out = io.StringIO()
    call_command("send_plan_reminders", stdout=out)
    assert "队列" in out.getvalue()
    assert Reminder.objects.filter(milestone=ms[0], kind="due_soon", days_before=7).count() == 1
    call_command("send_plan_reminders", "--now", stdout=io.StringIO())
    result = tasks.send_plan_reminders.enqueue()
    assert result.return_value == {"reminders": 0}
    assert Reminder.objects.filter(milestone=ms[0]).count() == 1


def test_reminders_are_emailed_where_email_is_configured(
    settings: pytest.FixtureRequest, django_capture_on_commit_callbacks: object
) -> None:
    from django.core import mail

    from shidian.accounts.models import User
    from shidian.plans import services

    settings.EMAIL_ENABLED = True  # type: ignore[attr-defined]
    User.objects.filter(username="demo-department").update(email="zhujian@example.cn")
    _plan, _version, _tasks, ms = factories.make_plan(milestones=1, deadline=dt.date(2018, 12, 31))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.create_reminders(today=dt.date(2018, 12, 24), days=[7, 1])
    assert [m.to for m in mail.outbox] == [["zhujian@example.cn"]]
    assert ms[0].name in mail.outbox[0].subject
