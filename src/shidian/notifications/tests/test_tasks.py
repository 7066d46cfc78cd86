"""The daily command and the tasks (tests run tasks with the immediate backend)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command

from shidian.accounts.models import User
from shidian.core import clock
from shidian.notifications import registry, tasks
from shidian.notifications.models import Notification
from shidian.notifications.registry import Kind, Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def daily(user: Callable[[str], User]) -> Iterator[None]:
    def today_only(today: dt.date) -> Iterator[Notice]:
        yield Notice(kind=Kind.DUE, recipients=[user("demo-pilot")], title=f"{today}", key=f"daily:{today}")

    registry.periodically(today_only)
    yield
    registry._producers.remove(today_only)


@clock.travel_to(dt.date(2019, 7, 8))
def test_notify_daily_runs_the_producers_for_the_business_date_once(daily: None) -> None:
    out = io.StringIO()
    call_command("notify_daily", stdout=out)  # enqueued: the immediate backend runs it at once
    assert "队列" in out.getvalue()
    assert Notification.objects.filter(source="periodic:daily:2019-07-08").count() == 1
    call_command("notify_daily", "--now", stdout=out)
    assert "新增定期通知 0 条" in out.getvalue()
    assert tasks.daily_notifications.enqueue().return_value["periodic"] == 0
    assert Notification.objects.filter(source__startswith="periodic:daily:").count() == 1
