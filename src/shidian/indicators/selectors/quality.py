"""Import jobs and data-quality issues, scoped to the user."""

from __future__ import annotations

from django.db.models import QuerySet

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.indicators.models import (
    DataQualityIssue,
    ImportJob,
    IssueStatus,
)


def get_import_job_for(*, user: User, job_id: int) -> ImportJob:
    """An import job the user may see: the uploader's pilot or province (national jobs: the nation)."""
    return scoping.get_for(ImportJob.objects.all(), user, pk=job_id)


def quality_issues(*, user: User, status: str = "", period: str = "") -> QuerySet[DataQualityIssue]:
    qs = scoping.restrict(
        DataQualityIssue.objects.select_related("pilot", "pilot__province", "indicator", "rule", "updated_by"),
        user,
    )
    if status:
        qs = qs.filter(status=status)
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("status", "-period", "pilot__province__code", "pilot__name", "indicator__order")


def get_issue_for(*, user: User, issue_id: int) -> DataQualityIssue:
    return scoping.get_for(
        DataQualityIssue.objects.select_related("pilot", "indicator"),
        user,
        pk=issue_id,
    )


def open_issue_count(*, user: User) -> int:
    return quality_issues(user=user).filter(status__in=[IssueStatus.OPEN, IssueStatus.FOLLOWING]).count()
