"""A province's report: assemble, open, reassemble, save a draft, submit, acknowledge, return."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind
from shidian.core import audit
from shidian.core import text as core_text
from shidian.core.documents import numbers as document_numbers
from shidian.core.errors import DomainError, NotFound
from shidian.reporting import facts as report_facts
from shidian.reporting import permissions, richtext
from shidian.reporting.models import (
    PROVINCE_REPORT_FLOW,
    SECTION_MAX,
    CommentKind,
    PilotReportVersion,
    ProvinceReport,
    ProvinceReportVersion,
    ProvinceStatus,
    ReportCopy,
    ReportingRound,
    ReportStatus,
)
from shidian.reporting.services.workflow import ReportWorkflow, _check_revision, _decide, _local_date, _submit

PROVINCE_FIELDS = ["overview", "difficulties", "suggestions"]


def assemble_province_content(*, province: Any, reporting_round: ReportingRound) -> dict[str, Any]:
    """A draft for the province: one section per accepted pilot report and province-wide statistics."""
    from shidian.reporting import selectors

    accepted = list(
        PilotReportVersion.objects.filter(
            report__pilot__province=province,
            report__round=reporting_round,
            report__status=ReportStatus.ACCEPTED,
        )
        .select_related("report__pilot")
        .order_by("report__pilot__name", "report_id", "-number")
    )
    latest: dict[int, PilotReportVersion] = {}
    for version in accepted:
        latest.setdefault(version.report_id, version)
    pilot_sections = []
    by_ministry: Counter[str] = Counter()
    plan_totals: dict[str, float] = {}
    for version in latest.values():
        pilot = version.report.pilot
        summary = "\n".join(
            part for part in (richtext.to_text(version.progress)[:600], richtext.to_text(version.results)[:400]) if part
        )
        pilot_sections.append(
            {
                "pilot_id": pilot.pk,
                "pilot": pilot.name,
                "text": summary,
                "facts": report_facts.fact_lines(version.facts),
                "version": version.number,
            }
        )
        for tag in version.tags:
            for ministry in tag.get("ministries", []):
                by_ministry[ministry["name"]] += 1
        plan = version.facts.get("plan") if isinstance(version.facts, dict) else None
        if isinstance(plan, dict) and plan.get("has_plan", True):
            plan_totals["pilots_with_plan"] = plan_totals.get("pilots_with_plan", 0) + 1
            for key in report_facts.ADDITIVE_PLAN_FACTS:
                value = plan.get(key)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    plan_totals[key] = plan_totals.get(key, 0) + value
    timeliness = selectors.province_timeliness(province=province, reporting_round=reporting_round)
    due, done = plan_totals.get("milestones_due", 0), plan_totals.get("milestones_done", 0)
    indicators = report_facts.province_facts(province=province, round=reporting_round).get("indicators")
    statistics = {
        **timeliness,
        "accepted": len(latest),
        "plan_totals": dict(plan_totals),
        "difficulties_by_ministry": dict(sorted(by_ministry.items(), key=lambda item: (-item[1], item[0]))),
        "milestone_completion_percent": round(100 * done / due, 1) if due else None,
        "indicator_lines": report_facts.fact_lines({"indicators": indicators}),
        "indicator_progress": indicators.get("progress") if isinstance(indicators, dict) else None,
    }
    return {"pilot_sections": pilot_sections, "statistics": audit.plain(statistics)}


@transaction.atomic
def open_province_report(*, province: Any, reporting_round: ReportingRound, by: Any) -> ProvinceReport:
    """The province's report for the round; the first time, a draft assembled from accepted pilot reports."""
    if not permissions.can_write_province_report(by, province):
        raise NotFound
    report = ProvinceReport.objects.filter(province=province, round=reporting_round).first()
    if report is not None:
        return report
    content = assemble_province_content(province=province, reporting_round=reporting_round)
    report = ProvinceReport.objects.create(province=province, round=reporting_round, updated_by=by, **content)
    audit.record(
        action=audit.AuditAction.PROVINCE_REPORT_CREATED,
        actor=by,
        obj=report,
        detail={"pilot_sections": len(content["pilot_sections"])},
    )
    return report


def _lock_province_report(report: ProvinceReport) -> ProvinceReport:
    return ProvinceReport.objects.select_for_update().select_related("province", "round").get(pk=report.pk)


def _province_editable_for(report: ProvinceReport, by: Any) -> ProvinceReport:
    locked = _lock_province_report(report)
    if not permissions.can_write_province_report(by, locked):
        raise NotFound
    if not locked.is_editable:
        raise DomainError(_("报告状态为“%(status)s”，不能再修改。") % {"status": ProvinceStatus(locked.status).label})
    return locked


@transaction.atomic
def reassemble_province_report(*, report: ProvinceReport, revision: int, by: Any) -> ProvinceReport:
    """Rebuild the pilot sections and statistics from the pilots' currently accepted reports."""
    locked = _province_editable_for(report, by)
    _check_revision(locked, revision)
    content = assemble_province_content(province=locked.province, reporting_round=locked.round)
    locked.pilot_sections = content["pilot_sections"]
    locked.statistics = content["statistics"]
    locked.revision += 1
    locked.updated_by = by
    locked.save(update_fields=["pilot_sections", "statistics", "revision", "updated_by", "updated_at"])
    audit.record(
        action=audit.AuditAction.PROVINCE_REPORT_REASSEMBLED,
        actor=by,
        obj=locked,
        detail={"pilot_sections": len(locked.pilot_sections)},
    )
    return locked


@transaction.atomic
def save_province_draft(
    *, report: ProvinceReport, revision: int, fields: Mapping[str, str], pilot_texts: Mapping[int, str], by: Any
) -> ProvinceReport:
    """Save the province draft if nobody saved since ``revision`` was loaded."""
    locked = _province_editable_for(report, by)
    _check_revision(locked, revision)
    before = audit.snapshot(locked, [*PROVINCE_FIELDS, "pilot_sections"])
    for name in PROVINCE_FIELDS:
        if name in fields:
            text = core_text.clean(fields[name], multiline=True)
            if len(text) > SECTION_MAX:
                raise DomainError(_("每部分不能超过 %(max)d 字。") % {"max": SECTION_MAX})
            setattr(locked, name, text)
    sections = [dict(section) for section in locked.pilot_sections]
    for section in sections:
        if section.get("pilot_id") in pilot_texts:
            pilot_text = core_text.clean(pilot_texts[section["pilot_id"]], multiline=True)
            if len(pilot_text) > SECTION_MAX:
                raise DomainError(_("每部分不能超过 %(max)d 字。") % {"max": SECTION_MAX})
            section["text"] = pilot_text
    locked.pilot_sections = sections
    changes = audit.diff(before, audit.snapshot(locked, [*PROVINCE_FIELDS, "pilot_sections"]))
    if not changes:
        return locked
    locked.revision += 1
    locked.updated_by = by
    locked.save(update_fields=[*PROVINCE_FIELDS, "pilot_sections", "revision", "updated_by", "updated_at"])
    audit.record(
        action=audit.AuditAction.PROVINCE_REPORT_DRAFT_SAVED,
        actor=by,
        obj=locked,
        changes={k: [len(str(v[0] or "")), len(str(v[1] or ""))] for k, v in changes.items()},
        detail={"revision": locked.revision},
    )
    return locked


def _province_tags(report: ProvinceReport) -> list[dict[str, Any]]:
    """The tagged difficulties and suggestions of the province's accepted pilot reports."""
    versions = PilotReportVersion.objects.filter(
        report__pilot__province_id=report.province_id,
        report__round_id=report.round_id,
        report__status=ReportStatus.ACCEPTED,
    ).select_related("report__pilot")
    latest: dict[int, PilotReportVersion] = {}
    for version in versions.order_by("report_id", "-number"):
        latest.setdefault(version.report_id, version)
    return [
        {**tag, "pilot": version.report.pilot.name}
        for version in sorted(latest.values(), key=lambda v: v.report.pilot.name)
        for tag in version.tags
    ]


def _freeze_province_report(locked: ProvinceReport, by: Any, moment: dt.datetime, number: int) -> dict[str, Any]:
    version = ProvinceReportVersion.objects.create(
        report=locked,
        number=number,
        submitted_at=moment,
        submitted_by=by,
        is_late=_local_date(moment) > locked.round.province_due,
        tags=_province_tags(locked),
        facts=report_facts.province_facts(province=locked.province, round=locked.round),
        overview=locked.overview,
        pilot_sections=locked.pilot_sections,
        statistics=locked.statistics,
        difficulties=locked.difficulties,
        suggestions=locked.suggestions,
    )
    ministries = Organisation.objects.filter(kind=OrganisationKind.MINISTRY).order_by("pk")
    ReportCopy.objects.bulk_create([ReportCopy(version=version, ministry=m) for m in ministries])
    detail: dict[str, Any] = {"version": number, "is_late": version.is_late, "copies": ministries.count()}
    if getattr(by, "organisation", None) is not None:  # 发文字号, issued once to this version (GB/T 9704 7.2.4)
        issued = document_numbers.issue_document_number(
            organisation=by.organisation, year=_local_date(moment).year, subject=document_numbers.subject_of(version)
        )
        detail["document_number"] = issued.text
    return detail


PROVINCE_REPORTS = ReportWorkflow[ProvinceReport](
    flow=PROVINCE_REPORT_FLOW,
    rows=lambda: ProvinceReport.objects.select_related("province", "round"),
    may_submit=permissions.can_write_province_report,
    may_review=lambda by, _report: permissions.can_review_province_report(by),
    freeze=_freeze_province_report,
    empty_sections=lambda report: [] if report.overview.strip() else [str(_("总体情况"))],
    comment_on="province_report_version",
    decided_comment=CommentKind.ACKNOWLEDGE,
)


def submit_province_report(*, report: ProvinceReport, by: Any, now: dt.datetime | None = None) -> ProvinceReport:
    """Submit the province report to the national commission and copy it to every ministry (抄送)."""
    return _submit(PROVINCE_REPORTS, report, by=by, now=now)


def acknowledge_province_report(*, report: ProvinceReport, by: Any, comment: str = "") -> ProvinceReport:
    """The national commission acknowledges a submitted province report."""
    return _decide(PROVINCE_REPORTS, report, ProvinceStatus.ACKNOWLEDGED, by=by, comment=comment.strip())


def return_province_report(*, report: ProvinceReport, comment: str, by: Any) -> ProvinceReport:
    """The national commission returns a province report with comments."""
    if not comment.strip():
        raise DomainError(_("退回时请填写意见。"))
    return _decide(PROVINCE_REPORTS, report, ProvinceStatus.RETURNED, by=by, comment=comment.strip())
