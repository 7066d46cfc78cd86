"""Who may do what with reports: predicates built on the one scoping module."""

from __future__ import annotations

from typing import Any

from shidian.core import scoping
from shidian.core.roles import Capability


def _pilot_in_scope(user: Any, pilot_id: int, province_id: int) -> bool:
    scope = scoping.scope_for(user)
    if not scope.sees_business_data:
        return False
    if scope.provinces is not None and province_id not in scope.provinces:
        return False
    return scope.pilots is None or pilot_id in scope.pilots


def can_write_pilot_report(user: Any, report: Any) -> bool:
    return scoping.can(user, Capability.WRITE_PILOT_REPORT) and _pilot_in_scope(
        user, report.pilot_id, report.pilot.province_id
    )


def can_review_pilot_report(user: Any, report: Any) -> bool:
    scope = scoping.scope_for(user)
    return (
        scoping.can(user, Capability.REVIEW_PILOT_REPORTS)
        and scope.provinces is not None
        and report.pilot.province_id in scope.provinces
    )


def can_write_province_report(user: Any, province_id: int) -> bool:
    scope = scoping.scope_for(user)
    return (
        scoping.can(user, Capability.REVIEW_PILOT_REPORTS)
        and scope.provinces is not None
        and province_id in scope.provinces
    )


def can_review_province_report(user: Any) -> bool:
    return scoping.can(user, Capability.REVIEW_PROVINCE_REPORTS)


def can_read_copy(user: Any, copy: Any) -> bool:
    organisation_id = getattr(user, "organisation_id", None)
    return scoping.can(user, Capability.READ_REPORT_COPIES) and organisation_id == copy.ministry_id
