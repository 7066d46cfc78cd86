"""Change reports: rounds, drafts (with conflict detection), submissions, reviews, province reports, copies."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import audit, clock, scoping, transitions
from shidian.core import text as core_text
from shidian.core.actors import SystemActor, system
from shidian.core.documents import numbers as document_numbers
from shidian.core.errors import Conflict, DomainError, NotFound
from shidian.core.roles import Capability
from shidian.core.transitions import Flow
from shidian.pilots import selectors as pilot_selectors
from shidian.reporting import facts as report_facts
from shidian.reporting import permissions, richtext, uploads
from shidian.reporting.models import (
    PILOT_REPORT_FLOW,
    PROVINCE_REPORT_FLOW,
    SECTION_FIELDS,
    SECTION_MAX,
    SECTIONS,
    Attachment,
    CommentKind,
    DifficultyTag,
    PilotReport,
    PilotReportVersion,
    ProvinceReport,
    ProvinceReportVersion,
    ProvinceStatus,
    ReadReceipt,
    ReminderKind,
    ReportCopy,
    ReportingRound,
    ReportReminder,
    ReportStatus,
    ReviewComment,
    RoundKind,
    TagKind,
    default_due_dates,
)

# The first round of the programme: pilots started by the end of 2016 (batch-3 notice).
FIRST_ROUND = (2016, RoundKind.YEAR_END)
# Rounds open by themselves on schedule (and when the demo or a test needs one).
OPENER = system("open_reporting_rounds")
# A round opens this many days before its pilots' due date.
OPEN_DAYS_BEFORE_DUE = 30
PROVINCE_FIELDS = ["overview", "difficulties", "suggestions"]


class EditConflict(Conflict):
    """Somebody else saved the draft after this editor loaded it."""


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


# -- rounds ------------------------------------------------------------------------------------------


def round_opens_on(year: int, kind: str) -> dt.date:
    pilot_due, _province_due = default_due_dates(year, kind)
    return pilot_due - dt.timedelta(days=OPEN_DAYS_BEFORE_DUE)


def rounds_due_to_open(today: dt.date) -> list[tuple[int, str]]:
    """Every (year, kind) from the programme's first round to its end whose opening day has come."""
    result = []
    last_year = pilot_selectors.programme_end_year_if_known()  # rounds run to the programme's end
    final = today.year if last_year is None else min(today.year, last_year)
    for year in range(FIRST_ROUND[0], final + 1):
        for kind in (RoundKind.MID_YEAR, RoundKind.YEAR_END):
            if year == FIRST_ROUND[0] and kind == RoundKind.MID_YEAR:
                continue
            if round_opens_on(year, kind) <= today:
                result.append((year, str(kind)))
    return result


@transaction.atomic
def open_round(*, year: int, kind: str, by: User | SystemActor) -> ReportingRound:
    """Open the round of ``year``/``kind`` with the default due dates (nothing changes if it is open)."""
    scoping.require(by, Capability.MANAGE_ROUNDS)
    if kind not in RoundKind.values:
        raise DomainError(_("未知的报告类型。"))
    existing = ReportingRound.objects.filter(year=year, kind=kind).first()
    if existing is not None:
        return existing
    pilot_due, province_due = default_due_dates(year, kind)
    reporting_round = ReportingRound.objects.create(
        year=year, kind=kind, pilot_due=pilot_due, province_due=province_due
    )
    audit.record(
        action=audit.AuditAction.ROUND_OPENED,
        actor=by,
        obj=reporting_round,
        detail={"pilot_due": pilot_due, "province_due": province_due},
    )
    return reporting_round


def open_due_rounds(*, today: dt.date) -> list[ReportingRound]:
    """Open every round whose opening day has come (idempotent; run daily)."""
    return [open_round(year=year, kind=kind, by=OPENER) for year, kind in rounds_due_to_open(today)]


@transaction.atomic
def change_round_dues(
    *, reporting_round: ReportingRound, pilot_due: dt.date, province_due: dt.date, by: Any
) -> ReportingRound:
    """Move a round's due dates (national admins only)."""
    scoping.require(by, Capability.MANAGE_ROUNDS)
    if province_due < pilot_due:
        raise DomainError(_("省级报送期限不能早于试点报送期限。"))
    if pilot_due < reporting_round.period.start:
        raise DomainError(_("报送期限不能早于报告期开始。"))
    locked = ReportingRound.objects.select_for_update().get(pk=reporting_round.pk)
    before = audit.snapshot(locked, ["pilot_due", "province_due"])
    locked.pilot_due = pilot_due
    locked.province_due = province_due
    locked.save(update_fields=["pilot_due", "province_due"])
    audit.record(
        action=audit.AuditAction.ROUND_CHANGED,
        actor=by,
        obj=locked,
        changes=audit.diff(before, audit.snapshot(locked, ["pilot_due", "province_due"])),
    )
    return locked


# -- pilot reports: drafts ---------------------------------------------------------------------------


@transaction.atomic
def open_pilot_report(*, pilot: Any, reporting_round: ReportingRound, by: Any) -> PilotReport:
    """The pilot's report for the round, created as an empty draft the first time."""
    draft = PilotReport(pilot=pilot, round=reporting_round, updated_by=by)
    if not permissions.can_write_pilot_report(by, draft):
        raise NotFound
    report = PilotReport.objects.filter(pilot=pilot, round=reporting_round).select_related("pilot").first()
    if report is not None:
        return report
    draft.save()
    audit.record(action=audit.AuditAction.REPORT_CREATED, actor=by, obj=draft)
    return draft


def _lock_report(report: PilotReport) -> PilotReport:
    return PilotReport.objects.select_for_update().select_related("pilot", "round").get(pk=report.pk)


def _check_revision(locked: PilotReport | ProvinceReport, revision: int) -> None:
    if locked.revision != revision:
        who = locked.updated_by.get_full_name() or locked.updated_by.get_username() if locked.updated_by else ""
        raise EditConflict(
            _(
                "这份报告已被%(who)s在%(when)s保存过（修订号 %(current)d，您编辑的是 %(yours)d）。"
                "为避免覆盖他人的修改，您的内容没有保存：请复制您的修改，刷新页面后再合并。"
            )
            % {
                "who": who or _("他人"),
                "when": timezone.localtime(locked.updated_at).strftime("%Y-%m-%d %H:%M:%S"),
                "current": locked.revision,
                "yours": revision,
            }
        )


@transaction.atomic
def save_pilot_draft(*, report: PilotReport, revision: int, sections: Mapping[str, str], by: Any) -> PilotReport:
    """Save the draft's sections if nobody saved since ``revision`` was loaded; otherwise refuse."""
    locked = _lock_report(report)
    if not permissions.can_write_pilot_report(by, locked):
        raise NotFound
    if not locked.is_editable:
        raise DomainError(_("报告状态为“%(status)s”，不能再修改。") % {"status": ReportStatus(locked.status).label})
    _check_revision(locked, revision)
    before = audit.snapshot(locked, SECTION_FIELDS)
    for name in SECTION_FIELDS:
        if name in sections:
            html = richtext.clean(core_text.clean(sections[name], multiline=True))
            if len(richtext.to_text(html)) > SECTION_MAX or len(html) > 2 * SECTION_MAX:
                raise DomainError(_("每部分不能超过 %(max)d 字。") % {"max": SECTION_MAX})
            setattr(locked, name, html)
    changes = audit.diff(before, audit.snapshot(locked, SECTION_FIELDS))
    if not changes:
        return locked
    locked.revision += 1
    locked.updated_by = by
    locked.save(update_fields=[*SECTION_FIELDS, "revision", "updated_by", "updated_at"])
    audit.record(
        action=audit.AuditAction.REPORT_DRAFT_SAVED,
        actor=by,
        obj=locked,
        changes={k: [len(str(v[0] or "")), len(str(v[1] or ""))] for k, v in changes.items()},
        detail={"revision": locked.revision},
    )
    return locked


def _editable_for(report: PilotReport, by: Any) -> PilotReport:
    locked = _lock_report(report)
    if not permissions.can_write_pilot_report(by, locked):
        raise NotFound
    if not locked.is_editable:
        raise DomainError(_("报告状态为“%(status)s”，不能再修改。") % {"status": ReportStatus(locked.status).label})
    return locked


@transaction.atomic
def add_tag(*, report: PilotReport, kind: str, text: str, ministry_ids: list[int], by: Any) -> DifficultyTag:
    """Tag one difficulty or suggestion of the draft with the ministries concerned."""
    locked = _editable_for(report, by)
    if kind not in TagKind.values:
        raise DomainError(_("未知的标注类别。"))
    if not text.strip():
        raise DomainError(_("请填写困难或建议的内容。"))
    ministries = list(Organisation.objects.filter(kind=OrganisationKind.MINISTRY, pk__in=ministry_ids))
    if not ministries or len(ministries) != len(set(ministry_ids)):
        raise DomainError(_("请至少选择一个涉及的部门。"))
    tag = DifficultyTag.objects.create(report=locked, kind=kind, text=text.strip())
    tag.ministries.set(ministries)
    audit.record(
        action=audit.AuditAction.TAG_CREATED,
        actor=by,
        obj=tag,
        detail={"report": locked.pk, "kind": kind, "ministries": [m.name for m in ministries]},
    )
    return tag


@transaction.atomic
def remove_tag(*, tag: DifficultyTag, by: Any) -> None:
    _editable_for(tag.report, by)
    audit.record(action=audit.AuditAction.TAG_DELETED, actor=by, obj=tag, detail={"report": tag.report_id})
    tag.delete()


@transaction.atomic
def add_attachment(*, report: PilotReport, file_name: str, content: bytes, by: Any) -> Attachment:
    """Attach a file to the draft after checking its type by content and its size."""
    content_type = uploads.check_attachment(file_name=file_name, content=content)
    locked = _editable_for(report, by)
    attachment = Attachment.objects.create(
        report=locked,
        file_name=file_name[-200:],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=by,
    )
    audit.record(
        action=audit.AuditAction.ATTACHMENT_ADDED,
        actor=by,
        obj=attachment,
        detail={"report": locked.pk, "size": len(content), "content_type": content_type},
    )
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, by: Any) -> Attachment:
    """Take a file out of the draft (versions that included it keep it)."""
    _editable_for(attachment.report, by)
    attachment.is_current = False
    attachment.save(update_fields=["is_current"])
    audit.record(action=audit.AuditAction.ATTACHMENT_REMOVED, actor=by, obj=attachment)
    return attachment


# -- pilot reports: workflow -------------------------------------------------------------------------


def _tag_snapshot(report: PilotReport) -> list[dict[str, Any]]:
    return [
        {
            "kind": tag.kind,
            "text": tag.text,
            "ministries": [{"id": m.pk, "name": m.name_on(clock.today())} for m in tag.ministries.all()],
        }
        for tag in report.tags.prefetch_related("ministries__former_names")
    ]


@dataclass(frozen=True)
class ReportWorkflow[R: (PilotReport, ProvinceReport)]:
    """How one kind of report is submitted and reviewed; pilot and province reports are two configurations.

    Both kinds move draft → submitted → returned/decided through the one transition helper; on submission
    the content is frozen as a new numbered version, and a decision is kept as a comment on that version.
    """

    flow: Flow[R]
    rows: Callable[[], QuerySet[R]]
    may_submit: Callable[[Any, R], bool]
    may_review: Callable[[Any, R], bool]
    # Create the version of ``locked`` submitted by ``by`` at ``moment`` as ``number``; return its audit detail.
    freeze: Callable[[R, Any, dt.datetime, int], dict[str, Any]]
    empty_sections: Callable[[R], list[str]]
    comment_on: str
    decided_comment: str
    # The action of a submission after a return, where it differs from "<prefix>.submitted".
    resubmitted_action: audit.AuditAction | None = None


# Both kinds of report name these statuses alike (ReportStatus and ProvinceStatus; a test pins it).
SUBMITTED, RETURNED = ReportStatus.SUBMITTED.value, ReportStatus.RETURNED.value


def _submit[R: (PilotReport, ProvinceReport)](
    workflow: ReportWorkflow[R], report: R, *, by: Any, now: dt.datetime | None
) -> R:
    def guard(locked: R) -> None:
        if not workflow.may_submit(by, locked):
            raise NotFound

    def apply(locked: R) -> transitions.Effects:
        empty = workflow.empty_sections(locked)
        if empty:
            raise DomainError(_("以下部分不能为空：%(sections)s。") % {"sections": "、".join(empty)})
        detail = workflow.freeze(locked, by, now or clock.now(), locked.versions.count() + 1)
        resubmitted = locked.status == RETURNED
        return transitions.Effects(detail=detail, action=workflow.resubmitted_action if resubmitted else None)

    return transitions.move(
        report, SUBMITTED, flow=workflow.flow, by=by, guard=guard, apply=apply, queryset=workflow.rows()
    )


def _decide[R: (PilotReport, ProvinceReport)](
    workflow: ReportWorkflow[R], report: R, to: str, *, by: Any, comment: str
) -> R:
    """Return (comment required) or accept/acknowledge the latest submitted version."""

    def guard(locked: R) -> None:
        if not workflow.may_review(by, locked):
            raise NotFound

    def apply(locked: R) -> transitions.Effects:
        version = locked.versions.order_by("-number").first()
        if version is None:  # a submitted report always has a version
            raise workflow.flow.refuse(locked.status, to)
        kind = CommentKind.RETURN if to == RETURNED else workflow.decided_comment
        if comment:
            ReviewComment.objects.create(**{workflow.comment_on: version}, kind=kind, body=comment, author=by)
        detail: dict[str, Any] = {"version": version.number}
        if to == RETURNED:
            detail["comment"] = comment
        return transitions.Effects(detail=detail)

    return transitions.move(report, to, flow=workflow.flow, by=by, guard=guard, apply=apply, queryset=workflow.rows())


def _freeze_pilot_report(locked: PilotReport, by: Any, moment: dt.datetime, number: int) -> dict[str, Any]:
    version = PilotReportVersion.objects.create(
        report=locked,
        number=number,
        submitted_at=moment,
        submitted_by=by,
        is_late=_local_date(moment) > locked.round.pilot_due,
        tags=_tag_snapshot(locked),
        facts=report_facts.pilot_facts(pilot=locked.pilot, round=locked.round),
        **{name: getattr(locked, name) for name in SECTION_FIELDS},
    )
    version.attachments.set(locked.attachments.filter(is_current=True))
    return {"version": number, "is_late": version.is_late}


def _empty_pilot_sections(locked: PilotReport) -> list[str]:
    return [str(label) for name, label, _guide in SECTIONS if not richtext.to_text(getattr(locked, name)).strip()]


PILOT_REPORTS = ReportWorkflow[PilotReport](
    flow=PILOT_REPORT_FLOW,
    rows=lambda: PilotReport.objects.select_related("pilot", "round"),
    may_submit=permissions.can_write_pilot_report,
    may_review=permissions.can_review_pilot_report,
    freeze=_freeze_pilot_report,
    empty_sections=_empty_pilot_sections,
    comment_on="pilot_report_version",
    decided_comment=CommentKind.ACCEPT,
    resubmitted_action=audit.AuditAction.REPORT_RESUBMITTED,
)


def submit_pilot_report(*, report: PilotReport, by: Any, now: dt.datetime | None = None) -> PilotReport:
    """Submit (or resubmit after a return) the draft as a new immutable, dated version."""
    return _submit(PILOT_REPORTS, report, by=by, now=now)


def return_pilot_report(*, report: PilotReport, comment: str, by: Any) -> PilotReport:
    """The province returns a submitted report with comments; the pilot revises it."""
    if not comment.strip():
        raise DomainError(_("退回时请填写意见。"))
    return _decide(PILOT_REPORTS, report, ReportStatus.RETURNED, by=by, comment=comment.strip())


def accept_pilot_report(*, report: PilotReport, by: Any, comment: str = "") -> PilotReport:
    """The province accepts a submitted report; it can no longer change."""
    return _decide(PILOT_REPORTS, report, ReportStatus.ACCEPTED, by=by, comment=comment.strip())


# -- province reports --------------------------------------------------------------------------------


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


# -- copies ------------------------------------------------------------------------------------------


@transaction.atomic
def read_copy(*, copy: ReportCopy, by: Any) -> ReadReceipt:
    """Record that ``by`` opened the copy sent to its ministry (the first time only)."""
    if not permissions.can_read_copy(by, copy):
        raise NotFound
    receipt, created = ReadReceipt.objects.get_or_create(copy=copy, reader=by)
    if created:
        audit.record(action=audit.AuditAction.COPY_READ, actor=by, obj=copy, detail={"version": copy.version_id})
    return receipt


# -- reminders ---------------------------------------------------------------------------------------


def reminder_days() -> int:
    return int(getattr(settings, "REPORT_REMINDER_DAYS", 5))


def _notify_by_email(reminders: list[ReportReminder]) -> None:
    """Send reminder e-mails to the pilot offices and provincial commissions (only where e-mail is on)."""
    if not settings.EMAIL_ENABLED or not reminders:
        return
    from django.core.mail import send_mail

    from shidian.accounts.models import User

    for reminder in reminders:
        users = User.objects.filter(is_active=True).exclude(email="")
        if reminder.pilot_id is not None:
            users = users.filter(organisation__pilot_id=reminder.pilot_id, role="pilot_officer")
        else:
            users = users.filter(organisation__province_id=reminder.province_id, role="provincial_officer")
        recipients = list(users.values_list("email", flat=True))
        if recipients:
            send_mail(
                subject=_("报告报送提醒：%(round)s") % {"round": reminder.round},
                message=_("%(round)s的报送期限是 %(due)s（%(kind)s）。")
                % {"round": reminder.round, "due": reminder.due, "kind": ReminderKind(reminder.kind).label},
                from_email=None,
                recipient_list=recipients,
            )


@transaction.atomic
def send_reminders(*, today: dt.date, days_before: int | None = None) -> list[ReportReminder]:
    """Remind pilots and provinces that have not submitted: N days before the due date and once overdue.

    A reminder of each kind is created at most once per round and pilot/province (unique constraints),
    so running this daily is safe. E-mail goes out after commit where e-mail is configured.
    """
    from shidian.pilots.models import PilotArea
    from shidian.reporting.selectors import _status_history, reporting_on

    days = reminder_days() if days_before is None else days_before
    created: list[ReportReminder] = []
    pilots = PilotArea.objects.all()
    history = _status_history(pilots)
    pilot_provinces = dict(pilots.values_list("pk", "province_id"))
    for reporting_round in ReportingRound.objects.all():
        for due, is_pilot in ((reporting_round.pilot_due, True), (reporting_round.province_due, False)):
            if due - dt.timedelta(days=days) <= today <= due:
                kind = ReminderKind.UPCOMING
            elif today > due and today <= due + dt.timedelta(days=60):
                kind = ReminderKind.OVERDUE
            else:
                continue
            expected = [p for p in pilot_provinces if reporting_on(history.get(p, []), due)]
            if is_pilot:
                done = set(
                    PilotReportVersion.objects.filter(report__round=reporting_round).values_list(
                        "report__pilot_id", flat=True
                    )
                )
                new = [
                    ReportReminder(
                        round=reporting_round, pilot_id=p, province_id=pilot_provinces[p], kind=kind, due=due
                    )
                    for p in expected
                    if p not in done
                ]
            else:
                done = set(
                    ProvinceReportVersion.objects.filter(report__round=reporting_round).values_list(
                        "report__province_id", flat=True
                    )
                )
                new = [
                    ReportReminder(round=reporting_round, pilot=None, province_id=v, kind=kind, due=due)
                    for v in sorted({pilot_provinces[p] for p in expected})
                    if v not in done
                ]
            existing = set(
                ReportReminder.objects.filter(round=reporting_round, kind=kind, pilot__isnull=not is_pilot).values_list(
                    "pilot_id" if is_pilot else "province_id", flat=True
                )
            )
            fresh = [r for r in new if (r.pilot_id if is_pilot else r.province_id) not in existing]
            ReportReminder.objects.bulk_create(fresh)
            created.extend(fresh)
    if created:
        audit.record(
            action=audit.AuditAction.REMINDERS_SENT,
            actor=system("send_report_reminders"),
            detail={"count": len(created), "today": today},
        )
        transaction.on_commit(lambda: _notify_by_email(created))
    return created
