"""Copies of province reports sent to the ministries and the tags that concern each ministry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.errors import NotFound
from shidian.core.roles import Capability
from shidian.reporting.models import ProvinceReport, ProvinceReportVersion, ReadReceipt, ReportCopy, ReportingRound


def copies_sent(report: ProvinceReport) -> list[ReportCopy]:
    """The copies of a province report's versions with their read receipts (for the sender)."""
    return list(
        ReportCopy.objects.filter(version__report=report)
        .select_related("ministry", "version")
        .prefetch_related("receipts__reader", "ministry__former_names")
        .order_by("-version__number", "ministry__name")
    )


# The report text and statistics of a version and of its report's draft, which the workbench's lists of copies
# never read (issue 16).
_CONTENT = ("overview", "pilot_sections", "statistics", "difficulties", "suggestions")
_VERSION_TEXT = (
    *(f"version__{name}" for name in (*_CONTENT, "facts")),
    *(f"version__report__{name}" for name in _CONTENT),
)


def ministry_inbox(*, user: User) -> QuerySet[ReportCopy]:
    """The province reports copied to the user's ministry, with whether anyone there has read each."""
    if not scoping.can(user, Capability.READ_REPORT_COPIES) or user.organisation_id is None:
        return ReportCopy.objects.none()
    return (
        ReportCopy.objects.filter(ministry_id=user.organisation_id)
        .select_related("ministry", "version", "version__report", "version__report__province", "version__report__round")
        .prefetch_related("ministry__former_names")
        .annotate(is_read=Exists(ReadReceipt.objects.filter(copy=OuterRef("pk"))))
        .order_by("-version__submitted_at", "-id")
    )


def unread_copies(*, user: User) -> QuerySet[ReportCopy]:
    """The copies nobody in the user's ministry has opened yet, oldest first (for the workbench: no report text)."""
    return (
        ministry_inbox(user=user)
        .defer(*_VERSION_TEXT, "version__tags")
        .prefetch_related(None)
        .exclude(Exists(ReadReceipt.objects.filter(copy=OuterRef("pk"))))
        .order_by("version__submitted_at", "id")
    )


def get_copy_for(*, user: User, copy_id: int) -> ReportCopy:
    try:
        return ministry_inbox(user=user).get(pk=copy_id)
    except (ReportCopy.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound from exc


def tags_for_ministry(version: ProvinceReportVersion, ministry_id: int) -> list[dict[str, Any]]:
    """The difficulties and suggestions in a province report tagged with one ministry."""
    return [tag for tag in version.tags if any(m.get("id") == ministry_id for m in tag.get("ministries", []))]


@dataclass(frozen=True)
class MinistryTag:
    copy_id: int
    report: str  # "广西壮族自治区 · 2019年年中"
    text: str
    kind: str


def ministry_tags(*, user: User) -> list[MinistryTag]:
    """Difficulties and suggestions tagged with the user's ministry in the province reports copied to it.

    Plain rows, not models: a ministry is copied a report of every province every round, and the workbench
    reads only each copy's tags and the report's province and round (issue 16: 140 copies built as models,
    their versions and reports, took most of the ministry's workbench).
    """
    if user.organisation_id is None:
        return []
    seen: set[tuple[int, str]] = set()
    rounds: dict[tuple[int, str], str] = {}
    result = []
    rows = (
        ministry_inbox(user=user)
        .order_by("version__submitted_at", "id")
        .values_list(
            "id",
            "version__report_id",
            "version__tags",
            "version__report__province__name",
            "version__report__round__year",
            "version__report__round__kind",
        )
    )
    for copy_id, report_id, tags, province, year, kind in rows:
        for tag in tags or []:
            if not any(m.get("id") == user.organisation_id for m in tag.get("ministries", [])):
                continue
            key = (report_id, str(tag.get("text", "")))
            if key in seen:
                continue
            seen.add(key)
            if (year, kind) not in rounds:
                rounds[(year, kind)] = str(ReportingRound(year=year, kind=kind))
            label = f"{province} · {rounds[(year, kind)]}"
            result.append(MinistryTag(copy_id, label, key[1], str(tag.get("kind", ""))))
    return result
