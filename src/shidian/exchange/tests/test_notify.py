"""The notification rules: each audit event of the exchange reaches the people it concerns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shidian.core import clock
from shidian.core.actors import system
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.exchange import notify, selectors, services
from shidian.exchange.tests import factories as f
from shidian.notifications import services as centre
from shidian.notifications.models import DeriveCursor, Notification
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
    [(kind, people, title, url), (co_kind, co_people, co_title, _url)] = _notes(AuditAction.DIFFICULTY_RAISED, item)
    assert kind == Kind.REVIEW and people == {"demo-natres"} and "柳州市" in title and url.endswith(f"/{item.pk}/")
    assert co_kind == Kind.CO_HANDLING and co_people == {"demo-ministry"} and "请协办" in co_title  # 住房城乡建设部
    services.accept_difficulty(difficulty=item, by=mnr)
    [(kind, people, title, _url)] = _notes(AuditAction.DIFFICULTY_ACCEPTED, item)
    assert kind == Kind.ANSWER and people == {"demo-pilot"} and "自然资源部已受理" in title
    services.answer_difficulty(difficulty=item, body="答复。", by=mnr)
    [(kind, people, title, _url)] = _notes(AuditAction.DIFFICULTY_ANSWERED, item)
    assert kind == Kind.ANSWER and people == {"demo-pilot"} and "请办结并评价" in title
    services.reopen_difficulty(difficulty=item, reason="不清楚。", by=f.user("demo-pilot"))
    [(kind, people, _title, _url)] = _notes(AuditAction.DIFFICULTY_REOPENED, item)
    assert kind == Kind.REVIEW and people == {"demo-natres"}
    services.answer_difficulty(difficulty=item, body="补充。", by=mnr)
    services.close_difficulty(difficulty=item, rating=5, by=f.user("demo-pilot"))
    [(kind, people, title, _url)] = _notes(AuditAction.DIFFICULTY_CLOSED, item)
    assert people == {"demo-natres"} and "满意度 5 分" in title


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
    assert kind == Kind.OVERDUE and {"demo-national", "demo-natres"} <= people and "demo-pilot" not in people
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


# -- through the real notification centre: derive() reads the trail and stores the inbox rows ------------------


def _inbox(username: str) -> list[tuple[str, str]]:
    """What the exchange put in ``username``'s inbox (the accounts' own notifications left aside)."""
    mine = Notification.objects.filter(recipient__username=username, event__action__startswith="exchange.")
    return list(mine.order_by("id").values_list("kind", "title"))


def test_the_whole_life_of_an_item_reaches_each_side_through_derive_once() -> None:
    mnr = f.reviewer()
    pilot = f.user("demo-pilot")
    centre.derive()  # catch up with what the set-up left (the accounts' own notifications)
    item = f.raised(on=dt.date(2019, 7, 1))
    assert centre.derive() == 2  # the lead (自然资源部) and the co-handler 住房城乡建设部 (demo-ministry)
    assert _inbox("demo-natres") == [(Kind.REVIEW, "新分办的问题：柳州市 · 用地指标不足")]
    assert _inbox("demo-ministry") == [(Kind.CO_HANDLING, "请协办：柳州市 · 用地指标不足（牵头部门：自然资源部）")]
    assert not _inbox("demo-pilot")
    with clock.travel_to(item.due_on + dt.timedelta(days=1)):  # nobody accepted it in time
        services.escalate_overdue(by=system("escalate_difficulties"))
    services.accept_difficulty(difficulty=item, by=mnr)
    services.answer_difficulty(difficulty=item, body="答复。", by=mnr)
    assert centre.derive() == 4  # escalation: demo-national and demo-natres; accepted and answered: demo-pilot
    assert [kind for kind, _title in _inbox("demo-national")] == [Kind.OVERDUE]
    assert [kind for kind, _title in _inbox("demo-pilot")] == [Kind.ANSWER, Kind.ANSWER]
    assert "请办结并评价" in _inbox("demo-pilot")[-1][1]
    services.reopen_difficulty(difficulty=item, reason="不清楚。", by=pilot)
    services.answer_difficulty(difficulty=item, body="补充。", by=mnr)
    services.close_difficulty(difficulty=item, rating=5, by=pilot)
    assert centre.derive() == 3  # reopened and closed: the lead; answered again: the pilot
    assert [title for _kind, title in _inbox("demo-natres")][-2:] == [
        "要求重新办理：柳州市 · 用地指标不足",
        "已办结（满意度 5 分）：用地指标不足",
    ]
    assert len(_inbox("demo-pilot")) == 3
    before = Notification.objects.count()
    assert centre.derive() == 0  # a second run (or the after-commit task again) creates nothing
    DeriveCursor.objects.update(last_event_id=0)  # even reading the whole trail again
    assert centre.derive() == 0
    assert Notification.objects.count() == before


def test_a_notice_sent_reaches_its_pilots_inboxes_once_and_not_the_others() -> None:
    neighbour = f.pilot_officer_for(f.laibin(), "laibin-officer")
    beijing = f.pilot_officer_for(f.beijing(), "beijing-officer")
    with clock.travel_to(dt.date(2019, 6, 10)):
        services.send_notice(
            title="报送通知", body="x", audience="province", province=f.liuzhou().province, by=f.user("demo-province")
        )
    centre.derive()
    assert _inbox("demo-pilot") == [(Kind.NOTICE, "广西壮族自治区发展改革委通知：报送通知")]
    assert _inbox(neighbour.username) == _inbox("demo-pilot")
    assert not _inbox(beijing.username) and not _inbox("demo-province")
    assert centre.derive() == 0


def _notice_to_guangxi() -> tuple[object, Notification]:
    with clock.travel_to(dt.date(2019, 6, 10)):
        notice = services.send_notice(
            title="报送通知", body="x", audience="province", province=f.liuzhou().province, by=f.user("demo-province")
        )
    centre.derive()
    notification = Notification.objects.get(recipient__username="demo-pilot", event__action="exchange.notice.sent")
    return notice, notification


def _receipt_read_by(notice: object) -> list[tuple[str, str | None]]:
    receipts = selectors.receipts_of(notice)  # type: ignore[arg-type]
    return [(r.pilot.name, r.read_by.username if r.read_by else None) for r in receipts if r.read_at]


def test_a_notice_notification_carries_the_day_the_notice_was_sent() -> None:
    _notice, notification = _notice_to_guangxi()
    assert notification.day == dt.date(2019, 6, 10)


def test_marking_the_notice_read_in_the_inbox_is_the_pilots_read_receipt() -> None:
    notice, notification = _notice_to_guangxi()
    assert _receipt_read_by(notice) == []
    centre.mark_read(notification=notification, by=f.user("demo-pilot"))
    assert _receipt_read_by(notice) == [("柳州市", "demo-pilot")]


def test_marking_the_whole_inbox_read_records_the_receipts_of_its_notices() -> None:
    notice, _notification = _notice_to_guangxi()
    centre.mark_all_read(by=f.user("demo-pilot"))
    assert _receipt_read_by(notice) == [("柳州市", "demo-pilot")]


def test_opening_the_notice_marks_its_notification_read_in_the_inbox() -> None:
    notice, notification = _notice_to_guangxi()
    services.open_notice(notice=notice, by=f.user("demo-pilot"))  # type: ignore[arg-type]
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert _receipt_read_by(notice) == [("柳州市", "demo-pilot")]


def test_a_notice_opened_before_its_notification_was_derived_arrives_read() -> None:
    with clock.travel_to(dt.date(2019, 6, 10)):
        notice = services.send_notice(
            title="报送通知", body="x", audience="province", province=f.liuzhou().province, by=f.user("demo-province")
        )
        services.open_notice(notice=notice, by=f.user("demo-pilot"))
    centre.derive()
    mine = Notification.objects.get(recipient__username="demo-pilot", event__action="exchange.notice.sent")
    neighbour = Notification.objects.filter(event__action="exchange.notice.sent").exclude(pk=mine.pk).first()
    assert mine.read_at is not None
    assert neighbour is None or neighbour.read_at is None  # another pilot's office has not read it


def test_a_co_handling_department_is_told_in_a_kind_of_its_own_labelled_in_chinese(client_as: Any) -> None:
    from django.urls import reverse

    centre.derive()
    f.raised(category="land")  # 住房城乡建设部 (demo-ministry) co-handles land
    centre.derive()
    assert _inbox("demo-ministry") == [(Kind.CO_HANDLING, "请协办：柳州市 · 用地指标不足（牵头部门：自然资源部）")]
    others = [kind for kind in Kind if kind != Kind.CO_HANDLING]
    assert str(Kind.CO_HANDLING.label) == "协办事项" and "协办事项" not in [str(k.label) for k in others]
    page = client_as("demo-ministry").get(reverse("notifications:inbox") + "?kind=co_handling").content.decode()
    assert "协办事项（1）" in page and "请协办：柳州市" in page  # the filter names and counts it
    assert "协办事项" in client_as("demo-ministry").get(reverse("notifications:preferences")).content.decode()
    ministry = f.user("demo-ministry")
    wanted = centre.set_email_preferences(user=ministry, wanted={"co_handling": False})
    assert wanted["co_handling"] is False and wanted["notice"] is True  # e-mail chosen apart from notices


def test_the_migration_retags_stored_co_handling_notifications_and_carries_the_email_choice_over() -> None:
    import importlib

    from django.apps import apps

    from shidian.accounts.models import User
    from shidian.notifications.models import EmailPreference

    migration = importlib.import_module("shidian.notifications.migrations.0003_retag_co_handling_notifications")
    f.reviewer()  # 自然资源部 leads land: its reviewer gets the 待审核 one
    centre.derive()
    f.raised(category="land")  # lead 自然资源部, co-handler 住房城乡建设部 (demo-ministry)
    centre.derive()
    routed = Notification.objects.filter(event__action="exchange.difficulty.raised")
    routed.filter(kind=Kind.CO_HANDLING).update(kind=Kind.NOTICE)  # as derived before the kind existed
    ministry = User.objects.get(username="demo-ministry")
    EmailPreference.objects.create(user=ministry, kind=Kind.NOTICE, email=False)
    migration.retag(apps, None)
    assert dict(routed.values_list("recipient__username", "kind"))["demo-ministry"] == Kind.CO_HANDLING
    assert set(routed.values_list("kind", flat=True)) == {Kind.REVIEW, Kind.CO_HANDLING}  # the lead's stays
    assert centre.email_wanted(user=ministry)[Kind.CO_HANDLING] is False
    migration.untag(apps, None)
    assert set(routed.values_list("kind", flat=True)) == {Kind.REVIEW, Kind.NOTICE}
