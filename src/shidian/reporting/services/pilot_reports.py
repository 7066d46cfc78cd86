"""A pilot's report: open, save a draft, submit, return, accept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock
from shidian.core import text as core_text
from shidian.core.errors import DomainError, NotFound
from shidian.pilots.models import PilotArea
from shidian.reporting import aggregates, permissions, richtext
from shidian.reporting import facts as report_facts
from shidian.reporting.models import (
    PILOT_REPORT_FLOW,
    SECTION_FIELDS,
    SECTION_MAX,
    SECTIONS,
    CommentKind,
    PilotReport,
    PilotReportVersion,
    ReportingRound,
    ReportStatus,
)
from shidian.reporting.services.workflow import ReportWorkflow, _check_revision, _decide, _local_date, _submit


@transaction.atomic
def open_pilot_report(*, pilot: PilotArea, reporting_round: ReportingRound, by: User) -> PilotReport:
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


@transaction.atomic
def save_pilot_draft(*, report: PilotReport, revision: int, sections: Mapping[str, str], by: User) -> PilotReport:
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


def _editable_for(report: PilotReport, by: User) -> PilotReport:
    locked = _lock_report(report)
    if not permissions.can_write_pilot_report(by, locked):
        raise NotFound
    if not locked.is_editable:
        raise DomainError(_("报告状态为“%(status)s”，不能再修改。") % {"status": ReportStatus(locked.status).label})
    return locked


def _tag_snapshot(report: PilotReport) -> list[dict[str, Any]]:
    return [
        {
            "kind": tag.kind,
            "text": tag.text,
            "ministries": [{"id": m.pk, "name": m.name_on(clock.today())} for m in tag.ministries.all()],
        }
        for tag in report.tags.prefetch_related("ministries__former_names")
    ]


def _freeze_pilot_report(locked: PilotReport, by: User, moment: dt.datetime, number: int) -> dict[str, Any]:
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
    if number == 1:  # the first version decides whether and how late the pilot reported in the round
        aggregates.refresh(round_ids=[locked.round_id], province_ids=[locked.pilot.province_id])
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


def submit_pilot_report(*, report: PilotReport, by: User, now: dt.datetime | None = None) -> PilotReport:
    """Submit (or resubmit after a return) the draft as a new immutable, dated version."""
    return _submit(PILOT_REPORTS, report, by=by, now=now)


def return_pilot_report(*, report: PilotReport, comment: str, by: User) -> PilotReport:
    """The province returns a submitted report with comments; the pilot revises it."""
    if not comment.strip():
        raise DomainError(_("退回时请填写意见。"))
    return _decide(PILOT_REPORTS, report, ReportStatus.RETURNED, by=by, comment=comment.strip())


def accept_pilot_report(*, report: PilotReport, by: User, comment: str = "") -> PilotReport:
    """The province accepts a submitted report; it can no longer change."""
    return _decide(PILOT_REPORTS, report, ReportStatus.ACCEPTED, by=by, comment=comment.strip())
