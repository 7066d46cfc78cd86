"""The pages: raising (also from a report's tag), handling and closing, notices and receipts, refusals shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shidian.core import clock
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError
from shidian.core.models import AuditEvent
from shidian.exchange import services
from shidian.exchange.models import Difficulty, DifficultyStatus, Notice, NoticeReceipt
from shidian.exchange.tests import factories as f

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]
TODAY = dt.date(2019, 7, 8)


def _html(response: Any) -> str:
    return str(response.content.decode())


def test_a_pilot_raises_a_land_difficulty_with_a_file_and_sees_where_it_went(client_as: ClientAs) -> None:
    services.ensure_routing()
    client = client_as("demo-pilot")
    assert client.get(reverse("exchange:raise")).status_code == 200
    with clock.travel_to(TODAY):
        response = client.post(
            reverse("exchange:raise"),
            {
                "pilot": f.liuzhou().pk,
                "category": "land",
                "title": "用地指标不足",
                "description": "新增建设用地计划指标不足。",
                "attachments": [SimpleUploadedFile("说明.pdf", f.PDF)],
            },
        )
    item = Difficulty.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exchange:difficulty", args=[item.pk])
    shown = client.get(response["Location"])
    assert [str(m) for m in shown.context["messages"]] == ["已提交，分办至自然资源部牵头办理，答复期限2019年7月29日。"]
    page = _html(shown)
    assert "自然资源部" in page and "说明.pdf" in page and "2019年7月29日" in page
    download = client.get(reverse("exchange:difficulty_file", args=[item.pk, item.files.get().pk]))
    assert download.status_code == 200 and download.content == f.PDF
    assert AuditEvent.objects.filter(action=AuditAction.EXCHANGE_FILE_DOWNLOADED, object_id=str(item.pk)).exists()


def test_a_file_of_a_type_not_allowed_is_refused_on_the_form_and_nothing_is_written(client_as: ClientAs) -> None:
    services.ensure_routing()
    response = client_as("demo-pilot").post(
        reverse("exchange:raise"),
        {
            "pilot": f.liuzhou().pk,
            "category": "land",
            "title": "x",
            "description": "x",
            "attachments": [SimpleUploadedFile("page.html", b"\x00\x01binary")],
        },
    )
    assert response.status_code == 200 and "文件类型不允许" in _html(response)
    assert not Difficulty.objects.exists()


def test_a_province_cannot_raise_for_another_provinces_pilot(client_as: ClientAs) -> None:
    response = client_as("demo-province").post(
        reverse("exchange:raise"),
        {"pilot": f.beijing().pk, "category": "land", "title": "x", "description": "x"},
    )
    assert response.status_code == 200 and "不在您的管辖范围内" in _html(response)
    assert not Difficulty.objects.exists()


def test_a_difficulty_tagged_in_a_report_is_raised_from_it_in_one_click(client_as: ClientAs) -> None:
    from shidian.reporting import services as reporting_services
    from shidian.reporting.tests import factories as reporting_factories

    services.ensure_routing()
    officer = f.user("demo-pilot")
    report = reporting_factories.filled_report(officer, reporting_factories.year_end(2018))
    reporting_services.add_tag(
        report=report,
        kind="difficulty",
        text="城镇建设用地指标紧张",
        ministry_ids=[f.ministry("自然资源部").pk],
        by=officer,
    )
    client = client_as("demo-pilot")
    page = _html(client.get(reverse("reporting:report", args=[report.pk])))
    assert 'data-testid="raise-from-tag"' in page
    link = reverse("exchange:raise") + f"?report={report.pk}&text=" + quote("城镇建设用地指标紧张")
    assert link.replace("&", "&amp;") in page
    form = _html(client.get(link))
    assert "城镇建设用地指标紧张</textarea>" in form and 'name="report"' in form
    client.post(
        link,
        {"report": report.pk, "pilot": report.pilot_id, "category": "land", "title": "用地", "description": "紧张"},
    )
    assert Difficulty.objects.get().source_report == report
    other = client_as("demo-province").get(reverse("exchange:raise") + "?report=999999")
    assert other.status_code == 404


def test_the_ministry_answers_only_what_is_routed_to_it(client_as: ClientAs) -> None:
    item = f.raised(category="land")
    mohurd = client_as("demo-ministry")  # 住房城乡建设部 co-handles land
    page = _html(mohurd.get(reverse("exchange:difficulty", args=[item.pk])))
    assert 'data-testid="opinion-form"' in page and 'data-testid="accept-form"' not in page
    response = mohurd.post(reverse("exchange:accept", args=[item.pk]), follow=True)
    assert "未分办给贵单位牵头办理" in _html(response)
    item.refresh_from_db()
    assert item.status == DifficultyStatus.SUBMITTED
    hukou = f.raised(category="hukou")
    assert mohurd.get(reverse("exchange:difficulty", args=[hukou.pk])).status_code == 404


def test_the_demo_natural_resources_reviewer_sees_accepts_and_answers_a_land_difficulty(client_as: ClientAs) -> None:
    item = f.raised(category="land", on=TODAY)
    assert item.lead.name == "自然资源部"
    natres = client_as("demo-natres")
    listed = _html(natres.get(reverse("exchange:home")))
    assert f'data-testid="difficulty-{item.pk}"' in listed
    page = _html(natres.get(reverse("exchange:difficulty", args=[item.pk])))
    assert 'data-testid="accept-form"' in page
    with clock.travel_to(TODAY):
        natres.post(reverse("exchange:accept", args=[item.pk]))
        natres.post(reverse("exchange:answer", args=[item.pk]), {"body": "已研究，予以支持。"})
    item.refresh_from_db()
    assert item.status == DifficultyStatus.ANSWERED
    answer = item.replies.get(kind="answer")
    assert answer.author == f.user("demo-natres") and answer.organisation == item.lead


def test_the_lead_accepts_and_answers_and_the_pilot_closes_with_a_rating(client: Client) -> None:
    mnr = f.reviewer()
    item = f.raised(on=TODAY)
    client.force_login(mnr)
    with clock.travel_to(TODAY):
        client.post(reverse("exchange:accept", args=[item.pk]))
        assert "答复意见" in _html(client.get(reverse("exchange:difficulty", args=[item.pk])))
        empty = client.post(reverse("exchange:answer", args=[item.pk]), {"body": ""})
        assert empty.status_code == 400
        client.post(reverse("exchange:answer", args=[item.pk]), {"body": "已研究，予以支持。"})
    item.refresh_from_db()
    assert item.status == DifficultyStatus.ANSWERED
    client.force_login(f.user("demo-pilot"))
    page = _html(client.get(reverse("exchange:difficulty", args=[item.pk])))
    assert 'data-testid="close-form"' in page and "已研究，予以支持。" in page
    bad = client.post(reverse("exchange:close", args=[item.pk]), {"rating": "9"})
    assert bad.status_code == 400
    client.post(reverse("exchange:close", args=[item.pk]), {"rating": "5", "comment": "满意"})
    item.refresh_from_db()
    assert item.status == DifficultyStatus.CLOSED and item.rating == 5


def _step(page: str, name: str) -> str:
    """The text of the timeline's step ``name`` (data-testid="step-<name>") on a difficulty page."""
    start = page.index(f'data-testid="step-{name}"')
    return page[start : page.index("</li>", start)]


def test_the_timeline_dates_submission_and_acceptance_and_lists_the_answers_files_for_those_who_see_it(
    client_as: ClientAs, client: Client
) -> None:
    mnr = f.reviewer()
    item = f.raised(on=dt.date(2019, 7, 1), files=[services.Upload("情况说明.pdf", f.PDF)])
    with clock.travel_to(dt.date(2019, 7, 3)):
        services.accept_difficulty(difficulty=item, by=mnr)
    with clock.travel_to(dt.date(2019, 7, 10)):
        services.answer_difficulty(
            difficulty=item, body="已研究，予以支持。", by=mnr, files=[services.Upload("用地批复.pdf", f.PDF + b"1")]
        )
    answer_file = item.files.get(file_name="用地批复.pdf")
    client.force_login(mnr)
    for viewer in (client_as("demo-pilot"), client_as("demo-province"), client_as("demo-national"), client):
        page = _html(viewer.get(reverse("exchange:difficulty", args=[item.pk])))
        submitted, accepted = _step(page, "submitted"), _step(page, "accepted")
        assert "提交" in submitted and "2019年7月1日" in submitted and "柳州市" in submitted
        assert "受理" in accepted and "2019年7月3日" in accepted and "自然资源部" in accepted
        assert page.index('data-testid="step-submitted"') < page.index('data-testid="step-accepted"')
        answered = _step(page, "answer")
        link = reverse("exchange:difficulty_file", args=[item.pk, answer_file.pk])
        assert "2019年7月10日" in answered and "用地批复.pdf" in answered and link in answered
        assert "用地批复.pdf" not in _step(page, "submitted")  # the raiser's files stay with the submission
        assert "情况说明.pdf" in submitted
        download = viewer.get(link)
        assert download.status_code == 200 and download.content == f.PDF + b"1"
    # Out of scope: another province's officer finds neither the page nor the answer's file.
    other = f.pilot_officer_for(f.beijing(), "test-beijing-officer")
    client.force_login(other)
    assert client.get(reverse("exchange:difficulty", args=[item.pk])).status_code == 404
    assert client.get(reverse("exchange:difficulty_file", args=[item.pk, answer_file.pk])).status_code == 404


def test_an_item_not_yet_accepted_shows_its_submission_and_no_acceptance(client_as: ClientAs) -> None:
    item = f.raised(on=dt.date(2019, 7, 1))
    page = _html(client_as("demo-pilot").get(reverse("exchange:difficulty", args=[item.pk])))
    assert "2019年7月1日" in _step(page, "submitted") and 'data-testid="step-accepted"' not in page


def test_the_list_and_the_statistics_keep_their_query_count(
    client_as: ClientAs, django_assert_max_num_queries: Any
) -> None:
    for category in ("land", "hukou", "housing"):
        f.raised(category=category)
    national = client_as("demo-national")
    with django_assert_max_num_queries(20):
        assert national.get(reverse("exchange:home")).status_code == 200
    for category in ("land", "hukou", "housing", "planning", "fiscal", "finance"):
        f.raised(category=category, title="再一项")
    with django_assert_max_num_queries(20):
        page = _html(national.get(reverse("exchange:home")))
    assert page.count('data-testid="difficulty-') == 9
    with django_assert_max_num_queries(20):
        stats = _html(national.get(reverse("exchange:statistics")))
    assert "自然资源部" in stats and "公安部" in stats
    assert client_as("demo-province").get(reverse("exchange:statistics")).status_code == 404


def test_routing_is_edited_on_its_page_by_the_national_admin_only(client_as: ClientAs) -> None:
    services.ensure_routing()
    page = _html(client_as("demo-national").get(reverse("exchange:routing")))
    assert "自然资源部" in page and reverse("exchange:edit_routing", args=["land"]) in page
    assert client_as("demo-province").get(reverse("exchange:edit_routing", args=["land"])).status_code == 404
    assert client_as("demo-national").get(reverse("exchange:edit_routing", args=["nonsense"])).status_code == 404
    mof = f.ministry("财政部")
    client_as("demo-national").post(reverse("exchange:edit_routing", args=["land"]), {"lead": mof.pk})
    assert f.raised(category="land").lead == mof


def test_a_province_sends_a_notice_and_sees_its_receipts_as_the_pilot_opens_it(client_as: ClientAs) -> None:
    province = client_as("demo-province")
    with clock.travel_to(dt.date(2019, 6, 10)):
        response = province.post(
            reverse("exchange:new_notice"),
            {
                "title": "报送通知",
                "body": "请于7月10日前报送。",
                "audience": "province",
                "province": f.liuzhou().province_id,
            },
        )
    notice = Notice.objects.get()
    assert response.status_code == 302
    total = notice.receipts.count()
    page = _html(province.get(reverse("exchange:notice", args=[notice.pk])))
    assert f"已读 0 / 共 {total}" in page and f'data-testid="unread-{f.liuzhou().pk}"' in page
    pilot = client_as("demo-pilot")
    assert f'data-testid="notice-{notice.pk}"' in _html(pilot.get(reverse("workbench:home")))
    opened = _html(pilot.get(reverse("exchange:notice", args=[notice.pk])))
    assert 'data-testid="own-receipt"' in opened and 'data-testid="receipts"' not in opened
    assert NoticeReceipt.objects.get(notice=notice, pilot=f.liuzhou()).read_by == f.user("demo-pilot")
    page = _html(province.get(reverse("exchange:notice", args=[notice.pk])))
    assert f"已读 1 / 共 {total}" in page and f'data-testid="read-{f.liuzhou().pk}"' in page
    assert f'data-testid="notice-{notice.pk}"' not in _html(pilot.get(reverse("workbench:home")))


def test_receipt_times_read_in_beijing_time_through_core_formatting_on_both_sides(client_as: ClientAs) -> None:
    from shidian.core import formatting

    with clock.travel_to(dt.date(2019, 7, 7)):
        notice = services.send_notice(
            title="报送通知", body="请报送。", audience="chosen", pilots=[f.liuzhou()], by=f.user("demo-province")
        )
    services.open_notice(notice=notice, by=f.user("demo-pilot"))
    read_at = dt.datetime(2019, 7, 7, 23, 30, tzinfo=dt.UTC)  # 2019-07-08 07:30 in Asia/Shanghai
    NoticeReceipt.objects.filter(notice=notice).update(read_at=read_at)
    shown = formatting.datetime(read_at)
    assert shown == "2019年7月8日 07:30"
    sender = _html(client_as("demo-province").get(reverse("exchange:notice", args=[notice.pk])))
    start = sender.index(f'data-testid="read-{f.liuzhou().pk}"')
    row = sender[start : sender.index("</tr>", start)]
    assert f"<td>{shown}</td>" in row and "23:30" not in row and "2019-07" not in row
    own = _html(client_as("demo-pilot").get(reverse("exchange:notice", args=[notice.pk])))
    assert f"本试点已于 {shown} 由" in own


def test_a_notice_to_another_province_is_refused_with_a_message(client_as: ClientAs) -> None:
    response = client_as("demo-province").post(
        reverse("exchange:new_notice"),
        {"title": "x", "body": "x", "audience": "chosen", "pilots": [f.beijing().pk]},
    )
    assert response.status_code == 200 and "不属于本省" in _html(response) and "顺义区" in _html(response)
    assert not Notice.objects.exists()


def test_a_notice_issued_as_a_document_downloads_as_docx(client_as: ClientAs) -> None:
    national = client_as("demo-national")
    with clock.travel_to(dt.date(2019, 3, 1)):
        national.post(
            reverse("exchange:new_notice"),
            {"title": "关于做好试点工作的通知", "body": "一、总体要求\n二、工作安排", "audience": "batch",
             "batch": f.liuzhou().batch_id, "as_document": "on"},
        )  # fmt: skip
    notice = Notice.objects.get()
    response = national.get(reverse("exchange:notice_docx", args=[notice.pk]))
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert AuditEvent.objects.filter(action=AuditAction.NOTICE_DOWNLOADED, object_id=str(notice.pk)).exists()
    assert notice.document_number in _html(national.get(reverse("exchange:notice", args=[notice.pk])))


def _state(item: Difficulty) -> tuple[Any, ...]:
    item.refresh_from_db()
    return (item.status, item.rating, item.answered_on, item.closed_on, item.replies.count(), item.updated_at)


def test_answering_an_accepted_item_not_routed_to_you_is_refused_in_chinese_and_changes_nothing(
    client_as: ClientAs,
) -> None:
    mnr = f.reviewer()
    item = f.raised(category="land")
    services.accept_difficulty(difficulty=item, by=mnr)
    before = _state(item)
    for username in ("demo-ministry", "demo-national"):  # the co-handler; the commission, which sees every item
        response = client_as(username).post(
            reverse("exchange:answer", args=[item.pk]), {"body": "我们来答复。"}, follow=True
        )
        assert "该问题未分办给贵单位牵头办理，不能受理或答复。" in _html(response), username
        assert _state(item) == before
    with pytest.raises(DomainError, match="未分办给贵单位牵头办理"):
        services.answer_difficulty(difficulty=item, body="x", by=f.user("demo-ministry"))
    assert _state(item) == before


def test_closing_or_reopening_someone_elses_item_is_refused_in_chinese_and_changes_nothing(
    client_as: ClientAs,
) -> None:
    mnr = f.reviewer()
    item = f.raised(category="land")
    services.accept_difficulty(difficulty=item, by=mnr)
    services.answer_difficulty(difficulty=item, body="答复。", by=mnr)
    before = _state(item)
    refusal = "只有提出该问题的试点（或代为提出的省级发展改革部门）可以办结或要求重新办理。"
    for username in ("demo-province", "demo-national"):  # they see the item, they did not raise it
        client = client_as(username)
        closed = client.post(reverse("exchange:close", args=[item.pk]), {"rating": "5", "comment": "好"}, follow=True)
        assert refusal in _html(closed), username
        reopened = client.post(reverse("exchange:reopen", args=[item.pk]), {"reason": "不清楚"}, follow=True)
        assert refusal in _html(reopened), username
        assert _state(item) == before
    assert item.status == DifficultyStatus.ANSWERED


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# Queries for (the difficulties list, the notices list) per role; a ministry has no notices list (404).
PINNED = {"demo-pilot": (6, 7), "demo-province": (6, 6), "demo-ministry": (6, None), "demo-national": (7, 6)}


@pytest.mark.parametrize("username", sorted(PINNED))
def test_the_exchange_lists_query_counts_are_pinned_and_do_not_grow(client_as: ClientAs, username: str) -> None:
    """The difficulties and the notices lists cost the same queries for 2 items as for 12, for every role."""
    f.reviewer()
    for category in ("land", "housing"):
        f.raised(category=category)
    province, national = f.user("demo-province"), f.user("demo-national")
    with clock.travel_to(TODAY):
        services.send_notice(title="一", body="x", audience="chosen", pilots=[f.liuzhou()], by=province)
        services.send_notice(title="二", body="x", audience="chosen", pilots=[f.liuzhou()], by=national)
    client = client_as(username)
    home, notices = reverse("exchange:home"), reverse("exchange:notices")
    if PINNED[username][1] is None:
        assert client.get(notices).status_code == 404
    few = (_queries(client, home), _queries(client, notices) if PINNED[username][1] is not None else None)
    for index in range(10):
        f.raised(category=("land", "housing", "planning", "hukou", "finance")[index % 5], title=f"再一项{index}")
        with clock.travel_to(TODAY):
            services.send_notice(
                title=f"通知{index}", body="x", audience="chosen", pilots=[f.liuzhou(), f.laibin()], by=province
            )
    many = (_queries(client, home), _queries(client, notices) if PINNED[username][1] is not None else None)
    assert few == many == PINNED[username], (few, many)


def _denials(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=since, action=AuditAction.ACCESS_DENIED).order_by("id"))


def _watermark() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_a_move_refused_to_a_department_that_does_not_lead_is_audited_once_naming_who_and_what(
    client_as: ClientAs,
) -> None:
    item = f.raised(category="land")  # led by 自然资源部; 住房城乡建设部 only co-handles it
    since = _watermark()
    response = client_as("demo-ministry").post(reverse("exchange:accept", args=[item.pk]), follow=True)
    assert "未分办给贵单位牵头办理" in _html(response)
    [event] = _denials(since)
    assert (event.actor, event.object_type, event.object_id, event.success) == (
        f.user("demo-ministry"),
        "exchange.Difficulty",
        str(item.pk),
        False,
    )
    assert event.detail["reason"] == "not_lead" and event.organisation_name == "住房城乡建设部"
    item.refresh_from_db()
    assert item.status == DifficultyStatus.SUBMITTED


def test_a_look_at_a_difficulty_or_notice_out_of_reach_is_audited_and_a_missing_one_is_not(
    client_as: ClientAs,
) -> None:
    hukou = f.raised(category="hukou")  # routed to 公安部: 住房城乡建设部 does not see it
    with clock.travel_to(TODAY):
        notice = services.send_notice(
            title="x", body="x", audience="chosen", pilots=[f.laibin()], by=f.user("demo-national")
        )
    since = _watermark()
    assert client_as("demo-ministry").get(reverse("exchange:difficulty", args=[hukou.pk])).status_code == 404
    assert client_as("demo-pilot").get(reverse("exchange:notice", args=[notice.pk])).status_code == 404  # 来宾's
    first, second = _denials(since)
    assert (first.actor, first.object_type, first.object_id) == (
        f.user("demo-ministry"),
        "exchange.Difficulty",
        str(hukou.pk),
    )
    assert (second.actor, second.object_type, second.object_id) == (
        f.user("demo-pilot"),
        "exchange.Notice",
        str(notice.pk),
    )
    assert first.detail["reason"] == second.detail["reason"] == "out_of_scope"
    assert client_as("demo-ministry").get(reverse("exchange:difficulty", args=[999_999])).status_code == 404
    assert len(_denials(since)) == 2  # nothing there, nothing to protect: no event
