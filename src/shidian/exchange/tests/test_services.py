"""Routing, the reply deadline on the working-day calendar, every move, escalation, refusals, notices."""

from __future__ import annotations

import datetime as dt

import pytest

from shidian.core import clock
from shidian.core.actors import system
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, NotFound
from shidian.core.models import AuditEvent
from shidian.core.transitions import MoveRefused
from shidian.exchange import selectors, services
from shidian.exchange.models import (
    Category,
    Difficulty,
    DifficultyFile,
    DifficultyStatus,
    Escalation,
    Notice,
    NoticeReceipt,
    Reply,
)
from shidian.exchange.tests import factories as f

pytestmark = pytest.mark.django_db


def _events(action: AuditAction, obj: object) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(obj.pk)).count()  # type: ignore[attr-defined]


def test_a_land_difficulty_is_routed_to_the_ministry_of_natural_resources_with_its_co_handlers() -> None:
    item = f.raised(category=Category.LAND)
    assert item.lead.name == "自然资源部"
    assert item.lead.name_on(dt.date(2017, 6, 1)) == "国土资源部"  # the same department before the 2018 reform
    assert sorted(o.name for o in item.co_handlers.all()) == ["住房城乡建设部", "农业农村部"]
    assert item.status == DifficultyStatus.SUBMITTED and item.province_id == item.pilot.province_id
    event = AuditEvent.objects.get(action=AuditAction.DIFFICULTY_RAISED, object_id=str(item.pk))
    assert event.detail["lead"] == "自然资源部" and event.detail["due_on"] == item.due_on.isoformat()


def test_the_reply_deadline_is_15_working_days_on_the_holiday_calendar() -> None:
    # Raised on Monday 2019-09-30: the National Day week (1-7 October) does not count, Saturday 12 October does.
    item = f.raised(on=dt.date(2019, 9, 30))
    assert item.due_on == dt.date(2019, 10, 25)


def test_every_move_of_the_map_is_dated_and_audited() -> None:
    mnr = f.reviewer()
    officer = f.user("demo-pilot")
    item = f.raised(on=dt.date(2019, 7, 1))
    with clock.travel_to(dt.date(2019, 7, 2)):
        item = services.accept_difficulty(difficulty=item, by=mnr)
    assert item.status == DifficultyStatus.ACCEPTED and item.accepted_on == dt.date(2019, 7, 2)
    with clock.travel_to(dt.date(2019, 7, 5)):
        item = services.answer_difficulty(
            difficulty=item, body="已商有关方面。", by=mnr, files=[services.Upload("答复.pdf", f.PDF)]
        )
    assert item.status == DifficultyStatus.ANSWERED and item.first_answered_on == dt.date(2019, 7, 5)
    assert item.files.get().uploaded_by == mnr
    with clock.travel_to(dt.date(2019, 7, 8)):
        item = services.reopen_difficulty(difficulty=item, reason="未明确渠道。", by=officer)
    assert item.status == DifficultyStatus.REOPENED and item.due_on == dt.date(2019, 7, 29)
    with clock.travel_to(dt.date(2019, 7, 10)):
        item = services.answer_difficulty(difficulty=item, body="补充答复。", by=mnr)
    assert item.first_answered_on == dt.date(2019, 7, 5) and item.answered_on == dt.date(2019, 7, 10)
    with clock.travel_to(dt.date(2019, 7, 11)):
        item = services.close_difficulty(difficulty=item, rating=4, comment="满意。", by=officer)
    assert item.status == DifficultyStatus.CLOSED and item.rating == 4 and item.closed_on == dt.date(2019, 7, 11)
    assert [r.kind for r in Reply.objects.filter(difficulty=item)] == ["answer", "reopen", "answer", "close"]
    for action in (
        AuditAction.DIFFICULTY_ACCEPTED,
        AuditAction.DIFFICULTY_REOPENED,
        AuditAction.DIFFICULTY_CLOSED,
        AuditAction.DIFFICULTY_FILE_ADDED,
    ):
        assert _events(action, item) == 1, action
    assert _events(AuditAction.DIFFICULTY_ANSWERED, item) == 2


def test_a_move_the_map_does_not_allow_is_refused_audited_and_changes_nothing() -> None:
    item = f.raised()
    with pytest.raises(MoveRefused):
        services.close_difficulty(difficulty=item, rating=5, by=f.user("demo-pilot"))
    item.refresh_from_db()
    assert item.status == DifficultyStatus.SUBMITTED and item.rating is None
    assert AuditEvent.objects.filter(action=AuditAction.MOVE_REFUSED, object_id=str(item.pk)).exists()
    with pytest.raises(MoveRefused):
        services.answer_difficulty(difficulty=item, body="x", by=f.reviewer())  # not accepted yet


def test_answering_an_item_not_routed_to_your_department_is_refused_with_a_message() -> None:
    item = f.raised(category=Category.LAND)
    for other in (f.user("demo-ministry"), f.user("demo-national")):  # a co-handler, the commission
        with pytest.raises(DomainError, match="未分办给贵单位"):
            services.accept_difficulty(difficulty=item, by=other)
    item.refresh_from_db()
    assert item.status == DifficultyStatus.SUBMITTED and item.accepted_on is None


def test_closing_someone_elses_item_is_refused_and_another_pilot_does_not_even_see_it() -> None:
    mnr = f.reviewer()
    item = f.raised()
    services.accept_difficulty(difficulty=item, by=mnr)
    item = services.answer_difficulty(difficulty=item, body="答复。", by=mnr)
    with pytest.raises(DomainError, match="只有提出该问题的试点"):
        services.close_difficulty(difficulty=item, rating=5, by=f.user("demo-province"))
    with pytest.raises(DomainError, match="只有提出该问题的试点"):
        services.close_difficulty(difficulty=item, rating=5, by=mnr)
    neighbour = f.pilot_officer_for(f.laibin(), "laibin-officer")
    with pytest.raises(NotFound):
        selectors.get_difficulty_for(user=neighbour, difficulty_id=item.pk)
    with pytest.raises(DomainError, match="满意度须为 1 至 5 分"):
        services.close_difficulty(difficulty=item, rating=6, by=f.user("demo-pilot"))
    item.refresh_from_db()
    assert item.status == DifficultyStatus.ANSWERED and item.rating is None


def test_a_province_raises_for_its_pilot_and_closes_what_it_raised() -> None:
    province = f.user("demo-province")
    mnr = f.reviewer()
    item = f.raised(pilot=f.laibin(), by=province)
    services.accept_difficulty(difficulty=item, by=mnr)
    services.answer_difficulty(difficulty=item, body="答复。", by=mnr)
    assert list(selectors.answered_awaiting_closing(user=province)) == [item]
    closed = services.close_difficulty(difficulty=item, rating=3, by=province)
    assert closed.status == DifficultyStatus.CLOSED
    with pytest.raises(NotFound):
        f.raised(pilot=f.beijing(), by=province)  # another province's pilot


def test_a_file_too_big_or_of_a_type_not_allowed_writes_nothing(settings: object) -> None:
    before = (Difficulty.objects.count(), DifficultyFile.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError, match="文件类型不允许"):
        f.raised(files=[services.Upload("x.exe", b"MZ\x00\x00binary")])
    settings.EXCHANGE_FILE_MAX_BYTES = 10  # type: ignore[attr-defined]
    with pytest.raises(DomainError, match="文件过大"):
        f.raised(files=[services.Upload("big.pdf", f.PDF)])
    assert (Difficulty.objects.count(), DifficultyFile.objects.count(), AuditEvent.objects.count()) == before


def test_an_unanswered_item_is_escalated_the_day_after_its_deadline_once_and_dated() -> None:
    item = f.raised(on=dt.date(2019, 7, 1))
    answered = f.raised(on=dt.date(2019, 7, 1), title="已答复的")
    mnr = f.reviewer()
    services.accept_difficulty(difficulty=answered, by=mnr)
    services.answer_difficulty(difficulty=answered, body="答复。", by=mnr)
    job = system("escalate_difficulties")
    with clock.travel_to(item.due_on):
        assert services.escalate_overdue(by=job) == []
    with clock.travel_to(item.due_on + dt.timedelta(days=1)):
        escalated = services.escalate_overdue(by=job)
        assert services.escalate_overdue(by=job) == []  # run twice: once
    assert [d.pk for d in escalated] == [item.pk]
    item.refresh_from_db()
    assert item.escalation == Escalation.ESCALATED and item.escalated_on == item.due_on + dt.timedelta(days=1)
    assert item.status == DifficultyStatus.SUBMITTED  # still owed an answer by the lead
    assert _events(AuditAction.DIFFICULTY_ESCALATED, item) == 1
    assert list(selectors.escalated_open(user=f.user("demo-national"))) == [item]
    with pytest.raises(NotFound):
        services.escalate_overdue(by=f.user("demo-national"))  # only the platform's job escalates


def test_the_routing_table_is_edited_by_national_admins_and_routes_what_is_raised_next() -> None:
    before = f.raised(category=Category.HOUSING)
    national = f.user("demo-national")
    mohurd = f.ministry("住房城乡建设部")
    mof = f.ministry("财政部")
    with pytest.raises(NotFound):
        services.set_routing(category=Category.HOUSING, lead=mof, co_handlers=[], by=f.user("demo-province"))
    rule = services.set_routing(category=Category.HOUSING, lead=mof, co_handlers=[mohurd, mof], by=national)
    assert [o.name for o in rule.co_handlers.all()] == ["住房城乡建设部"]  # the lead is not its own co-handler
    event = AuditEvent.objects.get(action=AuditAction.ROUTING_CHANGED, object_id=str(rule.pk))
    assert event.changes["lead"] == ["住房城乡建设部", "财政部"]
    after = f.raised(category=Category.HOUSING)
    before.refresh_from_db()
    assert before.lead == mohurd and after.lead == mof


def test_a_co_handler_gives_its_opinion_and_an_unrelated_department_may_not() -> None:
    item = f.raised(category=Category.LAND)
    reply = services.add_co_opinion(difficulty=item, body="建议统筹考虑住房用地。", by=f.user("demo-ministry"))
    assert reply.organisation is not None and reply.organisation.name == "住房城乡建设部"
    assert _events(AuditAction.DIFFICULTY_CO_OPINION, item) == 1
    police = f.reviewer("公安部", "test-mps")
    with pytest.raises(DomainError, match="不是该问题的协办部门"):
        services.add_co_opinion(difficulty=item, body="x", by=police)


def test_who_sees_which_difficulty() -> None:
    land = f.raised(category=Category.LAND)
    beijing_item = f.raised(
        pilot=f.beijing(), by=f.pilot_officer_for(f.beijing(), "bj-officer"), category=Category.HUKOU
    )
    seen = {
        name: set(selectors.visible_difficulties(user=f.user(name)).values_list("pk", flat=True))
        for name in ("demo-national", "demo-province", "demo-pilot", "demo-ministry", "demo-department", "demo-expert")
    }
    assert seen["demo-national"] >= {land.pk, beijing_item.pk}
    assert seen["demo-province"] == seen["demo-pilot"] == {land.pk}
    assert seen["demo-ministry"] == {land.pk}  # 住房城乡建设部 co-handles land; 户籍 is not routed to it
    assert seen["demo-department"] == seen["demo-expert"] == set()
    assert set(selectors.visible_difficulties(user=f.reviewer("公安部", "test-mps")).values_list("pk", flat=True)) == {
        beijing_item.pk
    }


def test_response_time_statistics_per_department() -> None:
    mnr = f.reviewer()
    on_time = f.raised(on=dt.date(2019, 7, 1))
    services.accept_difficulty(difficulty=on_time, by=mnr)
    with clock.travel_to(dt.date(2019, 7, 5)):
        services.answer_difficulty(difficulty=on_time, body="答复。", by=mnr)
    f.raised(on=dt.date(2019, 5, 6), title="逾期的")
    with clock.travel_to(dt.date(2019, 7, 8)):
        rows = {
            r.organisation.name: r
            for r in selectors.department_statistics(user=f.user("demo-national"), today=clock.today())
        }
    row = rows["自然资源部"]
    assert (row.routed, row.answered, row.on_time, row.open, row.overdue_open) == (2, 1, 1, 1, 1)
    assert row.working_days == [4] and row.on_time_percent == 100
    with pytest.raises(NotFound):
        selectors.department_statistics(user=f.user("demo-province"), today=dt.date(2019, 7, 8))


# -- notices ----------------------------------------------------------------------------------------


def test_a_province_sends_to_its_own_pilots_only() -> None:
    province = f.user("demo-province")
    guangxi = f.liuzhou().province
    with clock.travel_to(dt.date(2019, 6, 10)):
        notice = services.send_notice(title="通知", body="正文", audience="all", by=province)
    pilots = set(notice.receipts.values_list("pilot__province_id", flat=True))
    assert pilots == {guangxi.pk} and notice.sender_province_id == guangxi.pk
    assert AuditEvent.objects.get(action=AuditAction.NOTICE_SENT, object_id=str(notice.pk)).detail["recipients"] == (
        notice.receipts.count()
    )
    count = Notice.objects.count()
    with pytest.raises(DomainError, match="只能向本省试点发送通知"):
        services.send_notice(title="x", body="x", audience="province", province=f.beijing().province, by=province)
    with pytest.raises(DomainError, match="顺义区"):
        services.send_notice(title="x", body="x", audience="chosen", pilots=[f.liuzhou(), f.beijing()], by=province)
    assert Notice.objects.count() == count


def test_opening_a_notice_records_one_read_receipt_and_the_sender_sees_who_read() -> None:
    national = f.user("demo-national")
    with clock.travel_to(dt.date(2019, 3, 1)):
        notice = services.send_notice(
            title="关于做好试点工作的通知", body="一、\n二、", audience="batch", batch=f.liuzhou().batch, by=national
        )
    pilot = f.user("demo-pilot")
    with clock.travel_to(dt.date(2019, 3, 4)):
        receipt = services.open_notice(notice=notice, by=pilot)
        again = services.open_notice(notice=notice, by=pilot)
    assert receipt is not None and again is not None and again.read_at == receipt.read_at
    assert receipt.read_by == pilot and receipt.read_at is not None and receipt.read_at.date() == dt.date(2019, 3, 4)
    assert _events(AuditAction.NOTICE_READ, notice) == 1
    assert services.open_notice(notice=notice, by=national) is None  # the sender reading is no receipt
    receipts = selectors.receipts_of(notice)
    read = [r.pilot.name for r in receipts if r.read_at]
    assert read == ["柳州市"] and len(receipts) > 1
    assert NoticeReceipt.objects.filter(notice=notice, read_at__isnull=True).count() == len(receipts) - 1
    outsider = f.pilot_officer_for(f.beijing(), "bj-officer")
    if not notice.receipts.filter(pilot=f.beijing()).exists():
        with pytest.raises(NotFound):
            selectors.get_notice_for(user=outsider, notice_id=notice.pk)


def test_a_notice_issued_as_a_document_gets_the_commissions_next_number() -> None:
    national = f.user("demo-national")
    with clock.travel_to(dt.date(2019, 3, 1)):
        first = services.send_notice(
            title="一", body="x", audience="chosen", pilots=[f.liuzhou()], as_document=True, by=national
        )
        second = services.send_notice(
            title="二", body="x", audience="chosen", pilots=[f.liuzhou()], as_document=True, by=national
        )
    assert first.document_number.startswith("发改规划〔2019〕") and first.document_number != second.document_number
    document = services.notice_document(first)
    assert document.number == first.document_number and document.recipients == ["柳州市"]
    assert document.signature == "国家发展改革委"


def test_the_daily_job_and_its_command_escalate_what_is_overdue() -> None:
    from io import StringIO

    from django.core.management import call_command

    from shidian.exchange.tasks import escalate_overdue_difficulties

    first = f.raised(on=dt.date(2019, 7, 1))
    second = f.raised(on=dt.date(2019, 7, 2), title="第二项")
    with clock.travel_to(first.due_on + dt.timedelta(days=1)):
        assert escalate_overdue_difficulties.call() == {"escalated": 1}
    out = StringIO()
    with clock.travel_to(second.due_on + dt.timedelta(days=1)):
        call_command("escalate_difficulties", stdout=out)
    assert "已提请督办 1 项" in out.getvalue()
    assert Difficulty.objects.filter(escalation=Escalation.ESCALATED).count() == 2


def test_the_migration_links_answer_files_stored_before_the_link_and_leaves_the_raisers_files() -> None:
    import importlib

    from django.apps import apps

    from shidian.exchange.models import DifficultyFile

    link = importlib.import_module("shidian.exchange.migrations.0003_link_answer_files").link
    mnr = f.reviewer()
    item = f.raised(files=[services.Upload("情况说明.pdf", f.PDF)])
    with clock.travel_to(dt.date(2019, 7, 9)):
        services.accept_difficulty(difficulty=item, by=mnr)
        services.answer_difficulty(
            difficulty=item, body="予以支持。", by=mnr, files=[services.Upload("批复.pdf", f.PDF)]
        )
    DifficultyFile.objects.update(reply=None)  # as stored before the field existed
    link(apps, None)
    linked = dict(DifficultyFile.objects.values_list("file_name", "reply__kind"))
    assert linked == {"情况说明.pdf": None, "批复.pdf": "answer"}


def _denied(obj: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, object_id=str(obj.pk)).order_by("id"))  # type: ignore[attr-defined]


def test_every_refused_move_on_a_visible_difficulty_is_audited_once_as_access_denied() -> None:
    """The event survives the refusal: it is recorded before the move's transaction, not rolled back with it."""
    mnr = f.reviewer()
    item = f.raised(category=Category.LAND)
    police = f.reviewer("公安部", "test-mps")
    attempts = [
        ("demo-national", lambda u: services.accept_difficulty(difficulty=item, by=u), "not_lead"),
        ("demo-pilot", lambda u: services.answer_difficulty(difficulty=item, body="x", by=u), "not_lead"),
        (police.username, lambda u: services.add_co_opinion(difficulty=item, body="x", by=u), "not_co_handler"),
    ]
    for username, attempt, reason in attempts:
        before = len(_denied(item))
        with pytest.raises(DomainError):
            attempt(f.user(username))
        [event] = _denied(item)[before:]
        assert (event.actor_username, event.object_type, event.success) == (username, "exchange.Difficulty", False)
        assert event.detail["reason"] == reason, username
    services.accept_difficulty(difficulty=item, by=mnr)
    services.answer_difficulty(difficulty=item, body="答复。", by=mnr)
    for attempt in (
        lambda u: services.close_difficulty(difficulty=item, rating=5, by=u),
        lambda u: services.reopen_difficulty(difficulty=item, reason="x", by=u),
    ):
        before = len(_denied(item))
        with pytest.raises(DomainError):
            attempt(f.user("demo-province"))  # it sees 柳州市's item, it did not raise it
        [event] = _denied(item)[before:]
        assert event.actor_username == "demo-province" and event.detail["reason"] == "not_raiser"
    item.refresh_from_db()
    assert item.status == DifficultyStatus.ANSWERED and item.rating is None


def test_raising_for_another_provinces_pilot_is_audited_on_that_pilot() -> None:
    beijing = f.beijing()
    with pytest.raises(NotFound):
        f.raised(pilot=beijing, by=f.user("demo-province"))
    [event] = _denied(beijing)
    assert (event.actor_username, event.object_type, event.detail["reason"]) == (
        "demo-province",
        "pilots.PilotArea",
        "not_raiser",
    )
    assert not Difficulty.objects.filter(pilot=beijing).exists()


def test_a_reply_names_its_date_as_the_interface_writes_dates() -> None:
    from shidian.exchange.models import Reply, ReplyKind

    assert str(Reply(kind=ReplyKind.ANSWER, written_on=dt.date(2019, 7, 10))) == "答复 · 2019年7月10日"
