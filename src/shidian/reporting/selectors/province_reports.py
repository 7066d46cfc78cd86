"""Province reports a user may read: lists, versions, the national inbox, returned and waiting ones."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shidian.core import scoping
from shidian.core.roles import Capability
from shidian.reporting.models import CommentKind, ProvinceReport, ProvinceReportVersion, ProvinceStatus, ReviewComment
from shidian.reporting.selectors.access import _require_reports
from shidian.reporting.selectors.waiting import Waiting, _waiting


def visible_province_reports(*, user: Any) -> QuerySet[ProvinceReport]:
    if not scoping.can(user, Capability.VIEW_REPORTS):
        return ProvinceReport.objects.none()
    return scoping.restrict(ProvinceReport.objects.select_related("province", "round"), user)


def get_province_report_for(*, user: Any, report_id: int) -> ProvinceReport:
    _require_reports(user)
    return scoping.get_for(
        ProvinceReport.objects.select_related("province", "round", "updated_by"),
        user,
        pk=report_id,
    )


def province_versions_of(report: ProvinceReport) -> list[ProvinceReportVersion]:
    return list(report.versions.select_related("submitted_by").prefetch_related("comments__author").order_by("number"))


def national_inbox(*, user: Any) -> QuerySet[ProvinceReport]:
    """Province reports for the national commission: awaiting acknowledgement first."""
    if not scoping.can(user, Capability.REVIEW_PROVINCE_REPORTS):
        return ProvinceReport.objects.none()
    return (
        visible_province_reports(user=user)
        .exclude(status=ProvinceStatus.DRAFT)
        .order_by("-round__year", "-round__kind", "province__code")
    )


def returned_province_reports(*, user: Any) -> list[tuple[ProvinceReport, ReviewComment | None]]:
    """The user's province reports the commission returned, with its latest comment."""
    if not scoping.can(user, Capability.REVIEW_PILOT_REPORTS):
        return []
    reports = list(visible_province_reports(user=user).filter(status=ProvinceStatus.RETURNED))
    comments: dict[int, ReviewComment] = {}
    rows = ReviewComment.objects.filter(
        province_report_version__report__in=reports, kind=CommentKind.RETURN
    ).select_related("author", "province_report_version")
    for comment in rows.order_by("created_at", "id"):
        comments[comment.province_report_version.report_id] = comment  # type: ignore[union-attr]
    return [(r, comments.get(r.pk)) for r in sorted(reports, key=lambda r: r.round.sort_key)]


def province_reports_waiting(*, user: Any) -> list[Waiting]:
    """Submitted province reports the commission has not yet acknowledged or returned, longest waiting first."""
    reports = list(national_inbox(user=user).filter(status=ProvinceStatus.SUBMITTED))
    return _waiting(reports, ProvinceReportVersion)
