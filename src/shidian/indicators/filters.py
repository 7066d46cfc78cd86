"""Filters of the indicator lists (the off-track list)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shidian.core.filters import ListFilter, choice_of, status_field
from shidian.indicators.progress import ProgressStatus
from shidian.indicators.selectors import OffTrack
from shidian.pilots.models import Batch
from shidian.regions.models import Province


class OffTrackFilter(ListFilter):
    """By province (national users only), batch and how far behind (明显滞后 / 倒退)."""

    province = choice_of(Province.objects.order_by("code"), _("省级单位"))
    batch = choice_of(Batch.objects.order_by("number"), _("批次"))
    status = status_field([(s.value, s.label) for s in (ProgressStatus.OFF_TRACK, ProgressStatus.DETERIORATING)])

    def __init__(self, data: object = None, *, national: bool) -> None:
        super().__init__(data)
        if not national:
            del self.fields["province"]

    def apply(self, rows: list[OffTrack]) -> list[OffTrack]:
        province, batch, status = self.value("province"), self.value("batch"), self.value("status")
        if province is not None and "province" in self.fields:
            rows = [r for r in rows if r.pilot.province_id == province.pk]
        if batch is not None:
            rows = [r for r in rows if r.pilot.batch_id == batch.pk]
        if status:
            rows = [r for r in rows if r.assessment.status == status]
        return rows
