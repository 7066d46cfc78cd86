"""A user's report reminders."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shidian.core import scoping
from shidian.core.roles import Capability
from shidian.reporting.models import ReportReminder


def reminders_for(*, user: Any) -> QuerySet[ReportReminder]:
    scope = scoping.scope_for(user)
    qs = ReportReminder.objects.select_related("round", "pilot", "province")
    if not scoping.can(user, Capability.VIEW_REPORTS) or scope.provinces is None:
        return qs.none()
    if scope.pilots is not None:
        return qs.filter(pilot__in=scope.pilots)
    return qs.filter(pilot__isnull=True, province__in=scope.provinces)
