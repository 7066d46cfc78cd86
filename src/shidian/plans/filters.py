"""Filters of the plan progress lists (province and nation)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shidian.core.filters import ListFilter, choice_of
from shidian.pilots.models import Batch
from shidian.plans.models import PlanStatus
from shidian.plans.selectors import PilotProgress
from shidian.regions.models import Province

NO_PLAN = "none"


class PlanListFilter(ListFilter):
    """By province (the nation only), batch and the status of the plan's current version."""

    province = choice_of(Province.objects.order_by("code"), _("省级单位"))
    batch = choice_of(Batch.objects.order_by("number"), _("批次"))
    status = forms.ChoiceField(
        label=_("方案状态"), choices=[("", _("全部")), *PlanStatus.choices, (NO_PLAN, _("未编制"))], required=False
    )

    def __init__(self, data: object = None, *, national: bool) -> None:
        super().__init__(data)
        if not national:
            del self.fields["province"]

    def apply(self, rows: list[PilotProgress]) -> list[PilotProgress]:
        province, batch, status = self.value("province"), self.value("batch"), self.value("status")
        if province is not None and "province" in self.fields:
            rows = [r for r in rows if r.pilot.province_id == province.pk]
        if batch is not None:
            rows = [r for r in rows if r.pilot.batch_id == batch.pk]
        if status == NO_PLAN:
            rows = [r for r in rows if r.version is None]
        elif status:
            rows = [r for r in rows if r.version is not None and r.version.status == status]
        return rows
