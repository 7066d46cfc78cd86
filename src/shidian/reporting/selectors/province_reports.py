"""Province reports a user may read: lists, versions, the national inbox, returned and waiting ones."""

from __future__ import annotations

from django.db.models import QuerySet

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.roles import Capability
from shidian.pilots import selectors as pilot_selectors
from shidian.reporting.models import CommentKind, ProvinceReport, ProvinceReportVersion, ProvinceStatus, ReviewComment
from shidian.reporting.selectors.access import _require_reports
from shidian.reporting.selectors.waiting import Waiting, _waiting


def visible_province_reports(*, user: User) -> QuerySet[ProvinceReport]:
    if not scoping.can(user, Capability.VIEW_REPORTS):
        return ProvinceReport.objects.none()
    return scoping.restrict(ProvinceReport.objects.select_related("province", "round"), user)


def get_province_report_for(*, user: User, report_id: int) -> ProvinceReport:
    _require_reports(user)
    return scoping.get_for(
        ProvinceReport.objects.select_related("province", "round", "updated_by"),
        user,
        pk=report_id,
    )


def province_versions_of(report: ProvinceReport) -> list[ProvinceReportVersion]:
    return list(report.versions.select_related("submitted_by").prefetch_related("comments__author").order_by("number"))


def national_inbox(*, user: User) -> QuerySet[ProvinceReport]:
    """Province reports for the national commission: awaiting acknowledgement first."""
    if not scoping.can(user, Capability.REVIEW_PROVINCE_REPORTS):
        return ProvinceReport.objects.none()
    return (
        visible_province_reports(user=user)
        .exclude(status=ProvinceStatus.DRAFT)
        .order_by("-round__year", "-round__kind", "province__code")
    )


def returned_province_reports(*, user: User) -> list[tuple[ProvinceReport, ReviewComment | None]]:
    """The user's province reports the commission returned, with its latest comment."""
    if not scoping.can(user, Capability.REVIEW_PILOT_REPORTS):
        return []
    reports = list(visible_province_reports(user=user).filter(status=ProvinceStatus.RETURNED))
    comments: dict[int, ReviewComment] = {}
    rows = ReviewComment.objects.filter(
        province_report_version__report__in=reports, kind=CommentKind.RETURN
    ).select_related("author", "province_report_version")
    for comment in rows.order_by("created_at", "id"):
        version = comment.province_report_version
        if version is not None:  # the filter asks for it
            comments[version.report_id] = comment
    return [(r, comments.get(r.pk)) for r in sorted(reports, key=lambda r: r.round.sort_key)]


def province_reports_waiting(*, user: User) -> list[Waiting[ProvinceReport]]:
    """Submitted province reports the commission has not yet acknowledged or returned, longest waiting first."""
    reports = list(national_inbox(user=user).filter(status=ProvinceStatus.SUBMITTED))
    return _waiting(reports, ProvinceReportVersion)


def filter_province_reports(
    *, user: User, round_id: int | None, province: str, status: str
) -> QuerySet[ProvinceReport]:
    """The province reports ``user`` may see by round, province (by code) and status; a province out of reach
    is NotFound."""
    queryset = visible_province_reports(user=user)
    if round_id:
        queryset = queryset.filter(round_id=round_id)
    if province:
        queryset = queryset.filter(province=pilot_selectors.filtered_province(user=user, code=province))
    if status:
        queryset = queryset.filter(status=status)
    return queryset
