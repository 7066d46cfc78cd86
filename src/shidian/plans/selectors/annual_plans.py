"""A department's annual plans."""

from __future__ import annotations

from shidian.accounts.models import Organisation, User
from shidian.plans.models import AnnualPlan
from shidian.plans.selectors.access import _require_plans


def annual_plans_of(*, user: User, department: Organisation) -> list[AnnualPlan]:
    _require_plans(user)
    return list(AnnualPlan.objects.filter(department=department).prefetch_related("goals").order_by("year"))
