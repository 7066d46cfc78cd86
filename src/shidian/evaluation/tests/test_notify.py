"""The evaluation's notices (the decisions, bulletin and published results are seen in the demo's inboxes)."""

from __future__ import annotations

import datetime as dt

import pytest

from shidian.accounts.models import User
from shidian.evaluation import services
from shidian.evaluation.tests import factories
from shidian.notifications import services as notifications
from shidian.notifications.models import Notification
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


def test_an_assigned_expert_is_asked_to_score_the_pilot() -> None:
    scheme = factories.scheme(2018, scoring_opens_on=dt.date(2019, 1, 1), scoring_closes_on=dt.date(2019, 1, 31))
    expert = factories.expert("notify-expert", province="北京市")
    notifications.derive()
    pilot = PilotArea.objects.get(name="柳州市")
    assignment = services.assign_expert(
        expert=expert, pilot=pilot, scheme=scheme, by=User.objects.get(username="demo-national")
    )
    notifications.derive()
    [asked] = Notification.objects.filter(recipient=expert, kind="review")
    assert asked.title == "请评分：柳州市 2018年度" and asked.url == f"/evaluation/assignments/{assignment.pk}/"
    assert not Notification.objects.filter(recipient__username="demo-expert", kind="review").exists()
