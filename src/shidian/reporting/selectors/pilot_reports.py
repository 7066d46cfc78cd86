"""Pilot reports a user may read: lists, versions, attachments, returned and waiting ones."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.roles import Capability
from shidian.pilots import selectors as pilot_selectors
from shidian.pilots.models import PilotArea
from shidian.reporting.models import (
    CommentKind,
    PilotReport,
    PilotReportVersion,
    ReportingRound,
    ReportStatus,
    ReviewComment,
)
from shidian.reporting.selectors.access import _require_reports
from shidian.reporting.selectors.reporting_rounds import rounds
from shidian.reporting.selectors.waiting import Waiting, _waiting


def visible_pilot_reports(*, user: User) -> QuerySet[PilotReport]:
    if not scoping.can(user, Capability.VIEW_REPORTS):
        return PilotReport.objects.none()
    return scoping.restrict(
        PilotReport.objects.select_related("pilot", "pilot__province", "round"),
        user,
    )


def get_pilot_report_for(*, user: User, report_id: int) -> PilotReport:
    """One report the user may see; missing and hidden are both 404."""
    _require_reports(user)
    return scoping.get_for(
        PilotReport.objects.select_related("pilot", "pilot__province", "round", "updated_by"),
        user,
        pk=report_id,
    )


def reports_awaiting_review(*, user: User) -> QuerySet[PilotReport]:
    """Submitted pilot reports a provincial officer should accept or return."""
    if not scoping.can(user, Capability.REVIEW_PILOT_REPORTS):
        return PilotReport.objects.none()
    return visible_pilot_reports(user=user).filter(status=ReportStatus.SUBMITTED).order_by("round__year", "pilot__name")


def versions_of(report: PilotReport) -> list[PilotReportVersion]:
    return list(
        report.versions.select_related("submitted_by")
        .prefetch_related("attachments", "comments__author")
        .order_by("number")
    )


def get_version_for(*, user: User, version_id: int) -> PilotReportVersion:
    _require_reports(user)
    return scoping.get_for(
        PilotReportVersion.objects.select_related("report", "report__pilot", "report__round", "submitted_by"),
        user,
        pk=version_id,
    )


def get_attachment_for(*, user: User, attachment_id: int) -> Any:
    from shidian.reporting.models import Attachment

    _require_reports(user)
    return scoping.get_for(
        Attachment.objects.select_related("report", "report__pilot"),
        user,
        pk=attachment_id,
    )


def pilot_rounds(*, user: User) -> list[tuple[ReportingRound, PilotReport | None]]:
    """For a pilot user: every round with its report (or None where none was started)."""
    pilot_id = scoping.own_pilot(user)
    if pilot_id is None:
        return []
    reports = {r.round_id: r for r in PilotReport.objects.filter(pilot_id=pilot_id)}
    return [(r, reports.get(r.pk)) for r in reversed(rounds())]


def user_pilot(user: User) -> PilotArea | None:
    pilot_id = scoping.own_pilot(user)
    if pilot_id is None:
        return None
    return PilotArea.objects.filter(pk=pilot_id).select_related("province").first()


def returned_pilot_reports(*, user: User) -> list[tuple[PilotReport, ReviewComment | None]]:
    """The user's pilot reports returned for revision, oldest round first, with the reviewer's latest comment."""
    if not scoping.can(user, Capability.WRITE_PILOT_REPORT):
        return []
    reports = list(visible_pilot_reports(user=user).filter(status=ReportStatus.RETURNED))
    return [(report, comment) for report, comment in _last_return_comments(reports)]


def _last_return_comments(reports: list[PilotReport]) -> list[tuple[PilotReport, ReviewComment | None]]:
    comments: dict[int, ReviewComment] = {}
    rows = ReviewComment.objects.filter(
        pilot_report_version__report__in=reports, kind=CommentKind.RETURN
    ).select_related("author", "pilot_report_version")
    for comment in rows.order_by("created_at", "id"):
        version = comment.pilot_report_version
        if version is not None:  # the filter asks for it
            comments[version.report_id] = comment
    ordered = sorted(reports, key=lambda r: (r.round.sort_key, r.pilot.name))
    return [(report, comments.get(report.pk)) for report in ordered]


def pilot_reports_waiting(*, user: User) -> list[Waiting[PilotReport]]:
    """Submitted pilot reports the province must accept or return, longest waiting first."""
    return _waiting(list(reports_awaiting_review(user=user)), PilotReportVersion)


def filter_pilot_reports(
    *, user: User, round_id: int | None, pilot_id: int | None, status: str
) -> QuerySet[PilotReport]:
    """The pilot reports ``user`` may see by round, pilot and status; a pilot out of reach is NotFound."""
    queryset = visible_pilot_reports(user=user)
    if round_id:
        queryset = queryset.filter(round_id=round_id)
    if pilot_id:
        queryset = queryset.filter(pilot=pilot_selectors.filtered_pilot(user=user, pilot_id=pilot_id))
    if status:
        queryset = queryset.filter(status=status)
    return queryset
