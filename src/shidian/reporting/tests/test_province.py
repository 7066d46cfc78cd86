"""Province reports: assembly, the national moves, copies to the ministries and read receipts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core.errors import DomainError, NotFound
from shidian.pilots.models import PilotArea
from shidian.regions.models import Province
from shidian.reporting import selectors, services
from shidian.reporting.models import (
    PROVINCE_MOVES,
    SECTION_FIELDS,
    ProvinceReport,
    ProvinceStatus,
    ReadReceipt,
    ReportCopy,
    ReportStatus,
)
from shidian.reporting.tests.factories import filled_report, on, submitted_report, year_end

pytestmark = pytest.mark.django_db
UserGetter = Callable[[str], User]


def guangxi() -> Province:
    return Province.objects.get(name="广西壮族自治区")


def accepted_liuzhou(user: UserGetter) -> ProvinceReport:
    pilot, province = user("demo-pilot"), user("demo-province")
    reporting_round = year_end()
    report = filled_report(pilot, reporting_round)
    housing = Organisation.objects.get(kind=OrganisationKind.MINISTRY, name="住房城乡建设部")
    services.add_tag(report=report, kind="difficulty", text="保障房用地紧张", ministry_ids=[housing.pk], by=pilot)
    report = services.submit_pilot_report(report=report, by=pilot, now=on(dt.date(2017, 12, 18)))
    services.accept_pilot_report(report=report, by=province)
    return services.open_province_report(province=guangxi(), reporting_round=reporting_round, by=province)


def test_the_draft_is_assembled_from_accepted_pilot_reports(user: UserGetter) -> None:
    draft = accepted_liuzhou(user)
    assert [s["pilot"] for s in draft.pilot_sections] == ["柳州市"]
    assert "progress" in draft.pilot_sections[0]["text"]
    stats = draft.statistics
    expected = PilotArea.objects.filter(province=guangxi(), status="active").count()
    assert stats["pilots_expected"] == expected
    assert stats["reports_submitted"] == 1 and stats["reports_on_time"] == 1
    assert stats["reports_missing"] == expected - 1
    assert stats["difficulties_by_ministry"] == {"住房城乡建设部": 1}


def test_a_submitted_but_not_accepted_report_is_not_assembled(user: UserGetter) -> None:
    reporting_round = year_end()
    submitted_report(user("demo-pilot"), reporting_round)
    draft = services.open_province_report(province=guangxi(), reporting_round=reporting_round, by=user("demo-province"))
    assert draft.pilot_sections == []
    assert draft.statistics["reports_submitted"] == 1


def test_province_workflow_and_copies(user: UserGetter) -> None:
    province, national, ministry = user("demo-province"), user("demo-national"), user("demo-ministry")
    draft = accepted_liuzhou(user)
    with pytest.raises(DomainError, match="总体情况"):
        services.submit_province_report(report=draft, by=province)
    draft = services.save_province_draft(
        report=draft,
        revision=draft.revision,
        fields={"overview": "全省试点总体进展顺利。", "difficulties": "用地", "suggestions": "加强指导"},
        pilot_texts={draft.pilot_sections[0]["pilot_id"]: "柳州市进展（省里改写）"},
        by=province,
    )
    assert draft.pilot_sections[0]["text"] == "柳州市进展（省里改写）"
    report = services.submit_province_report(report=draft, by=province, now=on(dt.date(2018, 1, 12)))
    assert report.status == ProvinceStatus.SUBMITTED
    version = report.versions.get()
    assert version.is_late
    ministries = Organisation.objects.filter(kind=OrganisationKind.MINISTRY).count()
    assert ReportCopy.objects.filter(version=version).count() == ministries >= 10
    assert version.tags[0]["pilot"] == "柳州市"

    # The ministry sees the copy and, within it, the difficulty tagged with it.
    inbox: list[Any] = list(selectors.ministry_inbox(user=ministry))
    assert [c.version_id for c in inbox] == [version.pk] and not inbox[0].is_read
    assert ministry.organisation_id is not None
    assert [t["text"] for t in selectors.tags_for_ministry(version, ministry.organisation_id)] == ["保障房用地紧张"]
    other = Organisation.objects.filter(kind=OrganisationKind.MINISTRY).exclude(pk=ministry.organisation_id).first()
    assert other is not None and selectors.tags_for_ministry(version, other.pk) == []
    receipt = services.read_copy(copy=inbox[0], by=ministry)
    services.read_copy(copy=inbox[0], by=ministry)
    assert ReadReceipt.objects.filter(copy=inbox[0]).count() == 1
    assert getattr(selectors.ministry_inbox(user=ministry).get(), "is_read")  # noqa: B009 - an annotation
    sent = selectors.copies_sent(report)
    read = [c for c in sent if c.receipts.all()]
    assert [(c.ministry.name, c.receipts.all()[0].reader.username) for c in read] == [
        ("住房城乡建设部", "demo-ministry")
    ]
    assert receipt.read_at is not None

    # Another ministry's copy is not this ministry's to read.
    foreign = ReportCopy.objects.exclude(ministry_id=ministry.organisation_id).first()
    assert foreign is not None
    with pytest.raises(NotFound):
        services.read_copy(copy=foreign, by=ministry)
    with pytest.raises(NotFound):
        selectors.get_copy_for(user=ministry, copy_id=foreign.pk)

    # The commission returns, the province resubmits, the commission acknowledges.
    with pytest.raises(DomainError):
        services.return_province_report(report=report, comment="", by=national)
    report = services.return_province_report(report=report, comment="请补充统计", by=national)
    assert report.status == ProvinceStatus.RETURNED
    with pytest.raises(DomainError):
        services.acknowledge_province_report(report=report, by=national)
    report = services.save_province_draft(
        report=report, revision=report.revision, fields={"overview": "补充后的总体情况"}, pilot_texts={}, by=province
    )
    report = services.submit_province_report(report=report, by=province)
    report = services.acknowledge_province_report(report=report, by=national, comment="收悉")
    assert report.status == ProvinceStatus.ACKNOWLEDGED
    assert report.versions.count() == 2
    with pytest.raises(DomainError):
        services.submit_province_report(report=report, by=province)
    assert set(PROVINCE_MOVES) == set(ProvinceStatus.values)


def test_only_the_commission_reviews_province_reports(user: UserGetter) -> None:
    province = user("demo-province")
    draft = accepted_liuzhou(user)
    draft = services.save_province_draft(
        report=draft, revision=draft.revision, fields={"overview": "总体"}, pilot_texts={}, by=province
    )
    report = services.submit_province_report(report=draft, by=province)
    for username in ("demo-province", "demo-ministry", "demo-pilot"):
        with pytest.raises(NotFound):
            services.acknowledge_province_report(report=report, by=user(username))
        with pytest.raises(NotFound):
            services.return_province_report(report=report, comment="x", by=user(username))
    report.refresh_from_db()
    assert report.status == ProvinceStatus.SUBMITTED


def test_another_province_cannot_open_or_edit(user: UserGetter) -> None:
    draft = accepted_liuzhou(user)
    beijing = Province.objects.get(name="北京市")
    with pytest.raises(NotFound):
        services.open_province_report(province=beijing, reporting_round=draft.round, by=user("demo-province"))
    with pytest.raises(NotFound):
        services.save_province_draft(
            report=draft, revision=draft.revision, fields={"overview": "x"}, pilot_texts={}, by=user("demo-pilot")
        )


def test_province_draft_conflict(user: UserGetter) -> None:
    province = user("demo-province")
    draft = accepted_liuzhou(user)
    loaded = draft.revision
    services.save_province_draft(report=draft, revision=loaded, fields={"overview": "甲"}, pilot_texts={}, by=province)
    with pytest.raises(services.EditConflict):
        services.save_province_draft(
            report=draft, revision=loaded, fields={"overview": "乙"}, pilot_texts={}, by=province
        )
    draft.refresh_from_db()
    assert draft.overview == "甲"


def test_province_draft_text_is_cleaned_and_held_to_the_section_limit(user: UserGetter) -> None:
    province = user("demo-province")
    draft = accepted_liuzhou(user)
    pilot_id = draft.pilot_sections[0]["pilot_id"]
    draft = services.save_province_draft(
        report=draft,
        revision=draft.revision,
        fields={"overview": "概\x00况\x1b\r\n第二行"},
        pilot_texts={pilot_id: "试\x07点"},
        by=province,
    )
    draft.refresh_from_db()
    assert draft.overview == "概况\n第二行"
    assert draft.pilot_sections[0]["text"] == "试点"
    with pytest.raises(DomainError, match="不能超过"):
        services.save_province_draft(
            report=draft, revision=draft.revision, fields={}, pilot_texts={pilot_id: "长" * 100_000}, by=province
        )
    draft.refresh_from_db()
    assert draft.pilot_sections[0]["text"] == "试点"


def test_pilot_draft_text_is_cleaned_of_control_characters(user: UserGetter) -> None:
    pilot = user("demo-pilot")
    report = filled_report(pilot, year_end())
    name = next(iter(SECTION_FIELDS))
    report = services.save_pilot_draft(
        report=report, revision=report.revision, sections={name: "推进\x00市民化\u202e"}, by=pilot
    )
    assert getattr(report, name) == "<p>推进市民化</p>"


def test_reassembly_picks_up_later_acceptances(user: UserGetter) -> None:
    province = user("demo-province")
    reporting_round = year_end()
    report = submitted_report(user("demo-pilot"), reporting_round)
    draft = services.open_province_report(province=guangxi(), reporting_round=reporting_round, by=province)
    assert draft.pilot_sections == []
    services.accept_pilot_report(report=report, by=province)
    draft = services.reassemble_province_report(report=draft, revision=draft.revision, by=province)
    assert [s["pilot"] for s in draft.pilot_sections] == ["柳州市"]
    assert report.status == ReportStatus.SUBMITTED  # the local object; the database says accepted


def test_statistics_add_up_plan_facts_of_accepted_reports(user: UserGetter, monkeypatch: pytest.MonkeyPatch) -> None:
    from shidian.reporting import facts

    plan = {"has_plan": True, "tasks": 5, "milestones": 8, "milestones_due": 4, "milestones_done": 3, "overdue": 1}
    summary = {"indicators": [{"name": "常住人口城镇化率", "unit": "%", "value": 55.2}], "progress": {"正常": 3}}
    monkeypatch.setattr(facts, "pilot_progress_facts", lambda **kw: plan)
    monkeypatch.setattr(facts, "pilot_indicator_facts", lambda **kw: [])
    monkeypatch.setattr(facts, "province_indicator_summary", lambda **kw: summary)
    draft = accepted_liuzhou(user)
    stats = draft.statistics
    assert stats["plan_totals"] == {"pilots_with_plan": 1, **{k: v for k, v in plan.items() if k != "has_plan"}}
    assert stats["milestone_completion_percent"] == 75.0
    assert stats["indicator_progress"] == {"正常": 3}
    assert stats["indicator_lines"] == ["常住人口城镇化率：55.2%"]
    assert "任务数：5" in draft.pilot_sections[0]["facts"]


def test_a_copy_sent_before_the_2018_reorganisation_names_the_ministry_as_it_was(
    user: UserGetter, client_as: Callable[[str], Any]
) -> None:
    province = user("demo-province")
    draft = accepted_liuzhou(user)
    draft = services.save_province_draft(
        report=draft,
        revision=draft.revision,
        fields={"overview": "全省试点总体进展顺利。", "difficulties": "用地", "suggestions": "加强指导"},
        pilot_texts={},
        by=province,
    )
    report = services.submit_province_report(report=draft, by=province, now=on(dt.date(2018, 1, 12)))
    land = Organisation.objects.get(kind=OrganisationKind.MINISTRY, name="自然资源部")
    assert ReportCopy.objects.filter(version__report=report, ministry=land).exists()  # routed to the successor
    body = client_as("demo-province").get(f"/reporting/province-reports/{report.pk}/").content.decode()
    copies = body[body.index('data-testid="copies"') :]
    assert "国土资源部" in copies and "自然资源部" not in copies
    assert "中国银监会" in copies and "农业部" in copies
