"""The demo: difficulties in every state (one escalated), notices with partial read receipts, once."""

from __future__ import annotations

import datetime as dt

import pytest

from shidian.core import clock
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.exchange.demo import load_demo_exchange
from shidian.exchange.models import Difficulty, DifficultyStatus, Escalation, Notice

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_one_escalation_and_partial_receipts_and_loads_once() -> None:
    with clock.travel_to(dt.date(2019, 7, 8)):
        assert load_demo_exchange() == 7
        assert load_demo_exchange() == 0
    states = set(Difficulty.objects.values_list("status", flat=True))
    assert states == set(DifficultyStatus.values)
    [escalated] = Difficulty.objects.filter(escalation=Escalation.ESCALATED)
    assert escalated.category == "hukou" and escalated.escalated_on == dt.date(2019, 6, 20)
    assert escalated.due_on < escalated.escalated_on and escalated.status == DifficultyStatus.ACCEPTED
    assert all(d.is_demo and d.title.endswith("（演示）") for d in Difficulty.objects.all())
    closed = Difficulty.objects.get(status=DifficultyStatus.CLOSED)
    assert closed.rating == 4 and closed.lead.name_on(closed.raised_on) == "自然资源部"
    for notice in Notice.objects.all():
        read = notice.receipts.filter(read_at__isnull=False).count()
        assert 0 < read < notice.receipts.count() or notice.audience == "province", notice
    national = Notice.objects.get(audience="batch")
    assert national.document_number and national.receipts.get(pilot__name="柳州市").read_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.EXCHANGE_DEMO_LOADED).count() == 1
