"""A department's annual plans."""

from __future__ import annotations

from typing import Any

from shidian.accounts.models import Organisation
from shidian.plans.models import AnnualPlan
from shidian.plans.selectors.access import _require_plans


def annual_plans_of(*, user: Any, department: Organisation) -> list[AnnualPlan]:
    _require_plans(user)
    return list(AnnualPlan.objects.filter(department=department).prefetch_related("goals").order_by("year"))
