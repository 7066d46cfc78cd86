"""Who may do what with reports: predicates built on the one scoping module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.actors import SystemActor
from shidian.core.roles import Capability, Reach

if TYPE_CHECKING:
    from shidian.regions.models import Province
    from shidian.reporting.models import PilotReport, ProvinceReport, ReportCopy


def can_write_pilot_report(user: User | SystemActor, report: PilotReport) -> bool:
    """The pilot's own office writes its reports (and the nation may, as a fallback)."""
    return scoping.can(user, Capability.WRITE_PILOT_REPORT) and scoping.sees(user, report)


def can_review_pilot_report(user: User | SystemActor, report: PilotReport) -> bool:
    """The provincial commission of the pilot's province reviews its reports."""
    return scoping.can(user, Capability.REVIEW_PILOT_REPORTS) and scoping.sees(user, report, level=Reach.PROVINCE)


def can_write_province_report(user: User | SystemActor, province_or_report: Province | ProvinceReport) -> bool:
    """The province's own commission writes its province report (``province_or_report``: a Province or the report)."""
    return scoping.can(user, Capability.REVIEW_PILOT_REPORTS) and scoping.sees(
        user, province_or_report, level=Reach.PROVINCE
    )


def can_review_province_report(user: User | SystemActor) -> bool:
    return scoping.can(user, Capability.REVIEW_PROVINCE_REPORTS)


def can_read_copy(user: User | SystemActor, copy: ReportCopy) -> bool:
    organisation_id = getattr(user, "organisation_id", None)
    return scoping.can(user, Capability.READ_REPORT_COPIES) and organisation_id == copy.ministry_id
