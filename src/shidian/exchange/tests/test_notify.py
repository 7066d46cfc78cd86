"""The notification rules: each audit event of the exchange reaches the people it concerns."""

from __future__ import annotations

import datetime as dt

import pytest

from shidian.core import clock
from shidian.core.actors import system
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.exchange import notify, services
from shidian.exchange.tests import factories as f
from shidian.notifications.registry import Kind, rules_for

pytestmark = pytest.mark.django_db


def _notes(action: AuditAction, obj: object) -> list[tuple[Kind, set[str], str, str]]:
    event = AuditEvent.objects.filter(action=action, object_id=str(obj.pk)).latest("id")  # type: ignore[attr-defined]
    return [
        (n.kind, {u.username for u in n.recipients}, n.title, n.url) for rule in rules_for(action) for n in rule(event)
    ]


def test_every_rule_is_registered_for_its_action() -> None:
    assert rules_for(AuditAction.DIFFICULTY_RAISED) == [notify.routed]
    assert rules_for(AuditAction.NOTICE_SENT) == [notify.notice_received]


def test_a_routed_item_reaches_the_lead_and_its_answer_the_raising_pilot() -> None:
    mnr = f.reviewer()
    item = f.raised()
    [(kind, people, title, url)] = _notes(AuditAction.DIFFICULTY_RAISED, item)
    assert kind == Kind.REVIEW and people == {"test-mnr"} and "柳州市" in title and url.endswith(f"/{item.pk}/")
    services.accept_difficulty(difficulty=item, by=mnr)
    [(kind, people, title, _url)] = _notes(AuditAction.DIFFICULTY_ACCEPTED, item)
    assert kind == Kind.ANSWER and people == {"demo-pilot"} and "自然资源部已受理" in title
    services.answer_difficulty(difficulty=item, body="答复。", by=mnr)
    [(kind, people, title, _url)] = _notes(AuditAction.DIFFICULTY_ANSWERED, item)
    assert kind == Kind.ANSWER and people == {"demo-pilot"} and "请办结并评价" in title
    services.reopen_difficulty(difficulty=item, reason="不清楚。", by=f.user("demo-pilot"))
    [(kind, people, _title, _url)] = _notes(AuditAction.DIFFICULTY_REOPENED, item)
    assert kind == Kind.REVIEW and people == {"test-mnr"}
    services.answer_difficulty(difficulty=item, body="补充。", by=mnr)
    services.close_difficulty(difficulty=item, rating=5, by=f.user("demo-pilot"))
    [(kind, people, title, _url)] = _notes(AuditAction.DIFFICULTY_CLOSED, item)
    assert people == {"test-mnr"} and "满意度 5 分" in title


def test_an_item_raised_by_the_province_is_answered_to_the_province() -> None:
    mnr = f.reviewer()
    item = f.raised(pilot=f.laibin(), by=f.user("demo-province"))
    services.accept_difficulty(difficulty=item, by=mnr)
    [(_kind, people, _title, _url)] = _notes(AuditAction.DIFFICULTY_ACCEPTED, item)
    assert people == {"demo-province"}


def test_an_escalated_item_reaches_the_commission_and_the_lead() -> None:
    f.reviewer()
    item = f.raised(on=dt.date(2019, 7, 1))
    with clock.travel_to(item.due_on + dt.timedelta(days=1)):
        services.escalate_overdue(by=system("escalate_difficulties"))
    [(kind, people, title, _url)] = _notes(AuditAction.DIFFICULTY_ESCALATED, item)
    assert kind == Kind.OVERDUE and {"demo-national", "test-mnr"} <= people and "demo-pilot" not in people
    assert "自然资源部" in title


def test_an_item_routed_to_the_commission_reaches_its_divisions_officers() -> None:
    item = f.raised(category="other")
    [(_kind, people, _title, _url)] = _notes(AuditAction.DIFFICULTY_RAISED, item)
    assert "demo-national" in people


def test_a_notice_reaches_the_offices_of_its_pilots_only() -> None:
    with clock.travel_to(dt.date(2019, 6, 10)):
        notice = services.send_notice(
            title="报送通知", body="x", audience="chosen", pilots=[f.liuzhou()], by=f.user("demo-province")
        )
    [(kind, people, title, url)] = _notes(AuditAction.NOTICE_SENT, notice)
    assert kind == Kind.NOTICE and people == {"demo-pilot"} and "报送通知" in title and str(notice.pk) in url
