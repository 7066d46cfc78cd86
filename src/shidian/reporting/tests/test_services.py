"""Pilot report workflow: every move of the map, the refused ones, conflicts, immutable versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from shidian.accounts.models import Organisation, User
from shidian.core.actors import system
from shidian.core.errors import DomainError, NotFound
from shidian.core.models import AuditEvent
from shidian.reporting import services
from shidian.reporting.models import (
    REPORT_MOVES,
    DifficultyTag,
    ImmutableVersionError,
    PilotReport,
    PilotReportVersion,
    ReportingRound,
    ReportStatus,
    ReviewComment,
    RoundKind,
)
from shidian.reporting.tests.factories import HTML, filled_report, on, submitted_report, year_end

pytestmark = pytest.mark.django_db
UserGetter = Callable[[str], User]


def test_rounds_open_with_the_default_due_dates() -> None:
    mid = services.open_round(year=2017, kind=RoundKind.MID_YEAR, by=services.OPENER)
    end = services.open_round(year=2017, kind=RoundKind.YEAR_END, by=services.OPENER)
    assert (mid.pilot_due, mid.province_due) == (dt.date(2017, 7, 10), dt.date(2017, 7, 20))
    assert (end.pilot_due, end.province_due) == (dt.date(2017, 12, 20), dt.date(2018, 1, 10))
    assert mid.period_code == "2017H1" and end.period_code == "2017"
    assert services.open_round(year=2017, kind=RoundKind.MID_YEAR, by=services.OPENER).pk == mid.pk


def test_scheduled_opening_opens_from_2016_year_end_up_to_today() -> None:
    opened = services.open_due_rounds(today=dt.date(2017, 6, 15))
    assert [(r.year, r.kind) for r in opened] == [(2016, "year_end"), (2017, "mid_year")]
    again = services.open_due_rounds(today=dt.date(2017, 6, 15))
    assert [r.pk for r in again] == [r.pk for r in opened]


def test_no_rounds_open_after_the_programme_ends() -> None:
    opened = services.open_due_rounds(today=dt.date(2023, 8, 1))
    assert (opened[-1].year, opened[-1].kind) == (2020, "year_end")
    assert len(opened) == 9  # 2016 year-end, then two a year 2017-2020


def test_the_management_command_enqueues_the_task(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    call_command("open_reporting_rounds", "--enqueue")  # the immediate backend runs it at once in tests
    assert "任务队列" in capsys.readouterr().out
    assert ReportingRound.objects.filter(year=2020, kind=RoundKind.YEAR_END).exists()


def test_the_management_command_runs_the_task(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    call_command("open_reporting_rounds")
    assert "报告轮次" in capsys.readouterr().out
    assert ReportingRound.objects.filter(year=2016, kind=RoundKind.YEAR_END).exists()


def test_only_national_admins_change_due_dates(user: UserGetter) -> None:
    reporting_round = year_end()
    with pytest.raises(NotFound):
        services.change_round_dues(
            reporting_round=reporting_round,
            pilot_due=dt.date(2017, 12, 25),
            province_due=dt.date(2018, 1, 15),
            by=user("demo-province"),
        )
    changed = services.change_round_dues(
        reporting_round=reporting_round,
        pilot_due=dt.date(2017, 12, 25),
        province_due=dt.date(2018, 1, 15),
        by=user("demo-national"),
    )
    assert changed.pilot_due == dt.date(2017, 12, 25)
    with pytest.raises(DomainError):
        services.change_round_dues(
            reporting_round=reporting_round,
            pilot_due=dt.date(2017, 12, 25),
            province_due=dt.date(2017, 12, 1),
            by=user("demo-national"),
        )


def test_the_whole_move_map(user: UserGetter) -> None:
    pilot, province = user("demo-pilot"), user("demo-province")
    reporting_round = year_end()
    report = submitted_report(pilot, reporting_round)
    assert report.status == ReportStatus.SUBMITTED
    report = services.return_pilot_report(report=report, comment="请补充数据", by=province)
    assert report.status == ReportStatus.RETURNED
    report = services.save_pilot_draft(
        report=report, revision=report.revision, sections={"progress": "修改后的进展"}, by=pilot
    )
    report = services.submit_pilot_report(report=report, by=pilot, now=on(dt.date(2017, 12, 28)))
    assert report.status == ReportStatus.SUBMITTED
    report = services.accept_pilot_report(report=report, by=province, comment="同意")
    assert report.status == ReportStatus.ACCEPTED
    versions = list(report.versions.order_by("number"))
    assert [(v.number, v.is_late) for v in versions] == [(1, False), (2, True)]
    assert versions[0].progress == HTML["progress"] and versions[1].progress == "<p>修改后的进展</p>"
    assert ReviewComment.objects.filter(pilot_report_version=versions[0], kind="return").get().body == "请补充数据"
    actions = list(
        AuditEvent.objects.filter(object_type="reporting.PilotReport", object_id=str(report.pk)).values_list(
            "action", flat=True
        )
    )
    for action in ("submitted", "returned", "resubmitted", "accepted"):
        assert f"reporting.report.{action}" in actions
    # Every status has its moves written down; an accepted report is final.
    assert set(REPORT_MOVES) == set(ReportStatus.values)
    assert REPORT_MOVES[ReportStatus.ACCEPTED] == frozenset()


def test_submitting_with_an_empty_section_is_refused(user: UserGetter) -> None:
    pilot = user("demo-pilot")
    report = filled_report(pilot, year_end())
    report = services.save_pilot_draft(report=report, revision=report.revision, sections={"results": "  "}, by=pilot)
    with pytest.raises(DomainError, match="成果经验"):
        services.submit_pilot_report(report=report, by=pilot)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not report.versions.exists()


def test_submitting_after_acceptance_is_refused(user: UserGetter) -> None:
    pilot, province = user("demo-pilot"), user("demo-province")
    report = submitted_report(pilot, year_end())
    report = services.accept_pilot_report(report=report, by=province)
    with pytest.raises(DomainError, match="已接收"):
        services.submit_pilot_report(report=report, by=pilot)
    with pytest.raises(DomainError):
        services.save_pilot_draft(report=report, revision=report.revision, sections={"progress": "x"}, by=pilot)
    with pytest.raises(DomainError):
        services.return_pilot_report(report=report, comment="再改", by=province)
    assert report.versions.count() == 1


@pytest.mark.parametrize("move", ["return", "accept"])
def test_a_draft_cannot_be_reviewed(user: UserGetter, move: str) -> None:
    report = filled_report(user("demo-pilot"), year_end())
    with pytest.raises(DomainError):
        if move == "return":
            services.return_pilot_report(report=report, comment="x", by=user("demo-province"))
        else:
            services.accept_pilot_report(report=report, by=user("demo-province"))
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_submitted_report_cannot_be_submitted_twice(user: UserGetter) -> None:
    pilot = user("demo-pilot")
    report = submitted_report(pilot, year_end())
    with pytest.raises(DomainError):
        services.submit_pilot_report(report=report, by=pilot)
    assert report.versions.count() == 1


def test_returning_needs_a_comment(user: UserGetter) -> None:
    report = submitted_report(user("demo-pilot"), year_end())
    with pytest.raises(DomainError, match="意见"):
        services.return_pilot_report(report=report, comment=" ", by=user("demo-province"))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_another_province_cannot_review(user: UserGetter) -> None:
    from shidian.accounts import services as account_services
    from shidian.accounts.models import OrganisationKind
    from shidian.core.roles import Role

    beijing = Organisation.objects.get(kind=OrganisationKind.PROVINCIAL_COMMISSION, province__name="北京市")
    other = account_services.create_user(
        username="bj-officer",
        password="Shidian#Test2026x",
        role=Role.PROVINCIAL_OFFICER,
        organisation=beijing,
        full_name="北京",
        by=system("tests"),
        password_is_temporary=False,
    )
    report = submitted_report(user("demo-pilot"), year_end())
    with pytest.raises(NotFound):
        services.return_pilot_report(report=report, comment="不行", by=other)
    with pytest.raises(NotFound):
        services.accept_pilot_report(report=report, by=other)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_only_the_pilot_writes_its_report(user: UserGetter) -> None:
    report = filled_report(user("demo-pilot"), year_end())
    for username in ("demo-province", "demo-national", "demo-department", "demo-ministry"):
        with pytest.raises(NotFound):
            services.save_pilot_draft(
                report=report, revision=report.revision, sections={"progress": "x"}, by=user(username)
            )
        with pytest.raises(NotFound):
            services.submit_pilot_report(report=report, by=user(username))


def test_two_editors_get_a_conflict_not_a_silent_overwrite(user: UserGetter) -> None:
    pilot = user("demo-pilot")
    report = filled_report(pilot, year_end())
    loaded = report.revision
    services.save_pilot_draft(report=report, revision=loaded, sections={"progress": "第一位的修改"}, by=pilot)
    with pytest.raises(services.EditConflict, match="修订号"):
        services.save_pilot_draft(report=report, revision=loaded, sections={"progress": "第二位的修改"}, by=pilot)
    report.refresh_from_db()
    assert report.progress == "<p>第一位的修改</p>" and report.revision == loaded + 1


def test_versions_are_immutable_in_python(user: UserGetter) -> None:
    report = submitted_report(user("demo-pilot"), year_end())
    version = report.versions.get()
    version.progress = "篡改"
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        version.delete()
    with pytest.raises(ImmutableVersionError):
        PilotReportVersion.objects.filter(pk=version.pk).update(progress="篡改")
    with pytest.raises(ImmutableVersionError):
        PilotReportVersion.objects.filter(pk=version.pk).delete()
    assert PilotReportVersion.objects.get(pk=version.pk).progress == HTML["progress"]


def test_versions_are_immutable_in_the_database(user: UserGetter) -> None:
    """PostgreSQL refuses raw UPDATE/DELETE through a trigger; SQLite (no trigger) relies on the model guard."""
    report = submitted_report(user("demo-pilot"), year_end())
    version = report.versions.get()
    if connection.vendor == "postgresql":
        for sql in (
            "UPDATE reporting_pilotreportversion SET progress = 'x' WHERE id = %s",
            "DELETE FROM reporting_pilotreportversion WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [version.pk])
    else:
        with pytest.raises(ImmutableVersionError):
            PilotReportVersion.objects.filter(pk=version.pk).update(progress="x")
    assert PilotReportVersion.objects.get(pk=version.pk).progress == HTML["progress"]


def test_a_submitted_version_keeps_its_facts_when_data_changes_later(user: UserGetter, monkeypatch: Any) -> None:
    from shidian.reporting import facts

    calls = {"value": 10}
    monkeypatch.setattr(facts, "pilot_progress_facts", lambda **kw: {"tasks_done": calls["value"]})
    monkeypatch.setattr(facts, "pilot_indicator_facts", lambda **kw: None)
    report = submitted_report(user("demo-pilot"), year_end())
    calls["value"] = 99
    version = report.versions.get()
    assert version.facts["plan"] == {"tasks_done": 10}
    assert version.facts["indicators"] is None


def test_facts_of_a_pilot_without_plan_or_values_say_so(user: UserGetter) -> None:
    report = submitted_report(user("demo-pilot"), year_end())
    facts = report.versions.get().facts
    assert facts["plan"]["has_plan"] is False
    assert facts["plan"]["tasks"] == 0
    assert all(row["value"] is None for row in facts["indicators"])


def test_tags_are_snapshotted_with_their_ministries(user: UserGetter) -> None:
    pilot = user("demo-pilot")
    report = filled_report(pilot, year_end())
    housing = Organisation.objects.get(kind="ministry", name="住房城乡建设部")
    services.add_tag(report=report, kind="difficulty", text="棚改资金不足", ministry_ids=[housing.pk], by=pilot)
    with pytest.raises(DomainError):
        services.add_tag(report=report, kind="difficulty", text="x", ministry_ids=[], by=pilot)
    report = services.submit_pilot_report(report=report, by=pilot)
    tags = report.versions.get().tags
    assert tags == [
        {"kind": "difficulty", "text": "棚改资金不足", "ministries": [{"id": housing.pk, "name": "住房城乡建设部"}]}
    ]
    assert DifficultyTag.objects.filter(report=report).count() == 1


def test_only_the_pilot_opens_its_report(user: UserGetter) -> None:
    reporting_round = year_end()
    existing = filled_report(user("demo-pilot"), reporting_round)
    for username in ("demo-province", "demo-national", "demo-ministry", "demo-department"):
        with pytest.raises(NotFound):
            services.open_pilot_report(pilot=existing.pilot, reporting_round=reporting_round, by=user(username))


def test_reports_are_unique_per_pilot_and_round(user: UserGetter) -> None:
    pilot = user("demo-pilot")
    reporting_round = year_end()
    first = filled_report(pilot, reporting_round)
    again = services.open_pilot_report(pilot=first.pilot, reporting_round=reporting_round, by=pilot)
    assert again.pk == first.pk
    assert PilotReport.objects.filter(pilot=first.pilot, round=reporting_round).count() == 1


def test_sections_keep_only_the_safe_rich_text_subset(user: UserGetter) -> None:
    pilot = user("demo-pilot")
    report = filled_report(pilot, year_end())
    dirty = '<div onclick="x()">推进<b>改革</b><script>alert(1)</script></div><ul><li>一</li></ul><img src=x onerror=y>'
    report = services.save_pilot_draft(report=report, revision=report.revision, sections={"progress": dirty}, by=pilot)
    assert report.progress == "<p>推进<strong>改革</strong></p><ul><li>一</li></ul>"


def test_a_section_of_empty_markup_counts_as_empty(user: UserGetter) -> None:
    pilot = user("demo-pilot")
    report = filled_report(pilot, year_end())
    report = services.save_pilot_draft(
        report=report, revision=report.revision, sections={"suggestions": "<p><br></p><div> </div>"}, by=pilot
    )
    with pytest.raises(DomainError, match="下一步工作建议"):
        services.submit_pilot_report(report=report, by=pilot)
