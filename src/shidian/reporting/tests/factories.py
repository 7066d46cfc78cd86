"""Build reporting records through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from shidian.core.actors import system
from shidian.pilots.models import PilotArea
from shidian.reporting import services
from shidian.reporting.models import SECTION_FIELDS, PilotReport, ReportingRound, RoundKind

TEXT = {name: f"{name} 的内容：推进农业转移人口市民化，完善体制机制。" for name in SECTION_FIELDS}
HTML = {name: f"<p>{text}</p>" for name, text in TEXT.items()}  # as stored (richtext.clean)


def year_end(year: int = 2017) -> ReportingRound:
    return services.open_round(year=year, kind=RoundKind.YEAR_END, by=services.OPENER)


def on(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def liuzhou() -> PilotArea:
    return PilotArea.objects.get(name="柳州市")


def filled_report(by: Any, reporting_round: ReportingRound, pilot: PilotArea | None = None) -> PilotReport:
    report = services.open_pilot_report(pilot=pilot or liuzhou(), reporting_round=reporting_round, by=by)
    return services.save_pilot_draft(report=report, revision=report.revision, sections=TEXT, by=by)


def submitted_report(
    by: Any, reporting_round: ReportingRound, *, when: dt.date | None = None, pilot: PilotArea | None = None
) -> PilotReport:
    report = filled_report(by, reporting_round, pilot)
    return services.submit_pilot_report(report=report, by=by, now=on(when or reporting_round.pilot_due))


def other_province_objects() -> dict[str, int]:
    """Reporting objects of 北京市 for every reporting URL keyword (for the URL walk)."""
    from shidian.accounts import services as account_services
    from shidian.accounts.models import Organisation, OrganisationKind
    from shidian.core.roles import Role
    from shidian.regions.models import Province

    beijing = PilotArea.objects.get(province__name="北京市", name="顺义区")
    office = account_services.ensure_pilot_organisations(pilot=beijing)
    writer = account_services.create_user(
        username="walk-bj-pilot",
        password="Shidian#Walk2026x",
        role=Role.PILOT_OFFICER,
        organisation=office,
        full_name="北京试点",
        by=system("tests"),
        password_is_temporary=False,
    )
    reviewer = account_services.create_user(
        username="walk-bj-province",
        password="Shidian#Walk2026x",
        role=Role.PROVINCIAL_OFFICER,
        organisation=Organisation.objects.get(kind=OrganisationKind.PROVINCIAL_COMMISSION, province__name="北京市"),
        full_name="北京省级",
        by=system("tests"),
        password_is_temporary=False,
    )
    reporting_round = year_end(2017)
    report = filled_report(writer, reporting_round, beijing)
    attachment = services.add_attachment(report=report, file_name="a.pdf", content=b"%PDF-1.4\n", by=writer)
    report = services.submit_pilot_report(report=report, by=writer)
    province = services.open_province_report(
        province=Province.objects.get(name="北京市"), reporting_round=reporting_round, by=reviewer
    )
    province = services.save_province_draft(
        report=province, revision=province.revision, fields={"overview": "北京"}, pilot_texts={}, by=reviewer
    )
    province = services.submit_province_report(report=province, by=reviewer)
    version = province.versions.get()
    return {
        "round_id": reporting_round.pk,
        "report_id": report.pk,
        "attachment_id": attachment.pk,
        "version_id": report.versions.get().pk,
        "province_report_id": province.pk,
        "province_version_id": version.pk,
        "copy_id": version.copies.first().pk,  # type: ignore[union-attr]
    }
