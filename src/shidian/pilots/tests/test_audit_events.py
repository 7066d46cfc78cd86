"""Each lifecycle move of a pilot leaves its own audit event with the status change and the decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db.models import Max

from shidian.accounts.models import User
from shidian.core.audit import AuditAction
from shidian.core.models import AuditEvent
from shidian.pilots import services
from shidian.pilots.models import PilotArea, PilotStatus

pytestmark = pytest.mark.django_db

# (the moves that lead there, the action of the last one)
MOVES = [
    ([PilotStatus.WARNED], AuditAction.PILOT_WARNED),
    ([PilotStatus.WARNED, PilotStatus.ACTIVE], AuditAction.PILOT_ACTIVE),
    ([PilotStatus.ELIMINATED], AuditAction.PILOT_ELIMINATED),
    ([PilotStatus.COMPLETED], AuditAction.PILOT_COMPLETED),
]


@pytest.mark.parametrize(("moves", "action"), MOVES, ids=[a.value for _m, a in MOVES])
def test_each_move_records_its_event(
    user: Callable[[str], User], moves: list[PilotStatus], action: AuditAction
) -> None:
    watermark = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0
    pilot = PilotArea.objects.get(name="柳州市")
    national = user("demo-national")
    previous = pilot.status
    for day, to in enumerate(moves, start=1):
        previous = pilot.status
        pilot = services.change_pilot_status(
            pilot=pilot,
            to=to,
            effective_on=dt.date(2019, 1, day),
            reason="年度评估结果",
            document_number=f"发改规划〔2019〕{day}号",
            by=national,
        )
    event = AuditEvent.objects.filter(id__gt=watermark, action=action).order_by("-id").first()
    assert event is not None
    assert (event.actor, event.object_type, event.object_id) == (national, "pilots.PilotArea", str(pilot.pk))
    assert event.changes == {"status": [previous, moves[-1]]}
    assert event.detail["document_number"] == f"发改规划〔2019〕{len(moves)}号"
