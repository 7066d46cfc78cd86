"""Filters of the reporting lists (the national inbox, the province's review queue)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shidian.core.filters import ListFilter, choice_of, status_field
from shidian.pilots.models import Batch
from shidian.regions.models import Province
from shidian.reporting.models import PilotReport, ProvinceReport, ProvinceStatus, ReportingRound


def _rounds() -> QuerySet[ReportingRound]:
    return ReportingRound.objects.order_by("-year", "-kind")


class NationalInboxFilter(ListFilter):
    """Province reports sent to the commission: by province, round and status."""

    prefix = "inbox"

    province = choice_of(Province.objects.order_by("code"), _("省级单位"))
    round = choice_of(_rounds(), _("轮次"))
    status = status_field([c for c in ProvinceStatus.choices if c[0] != ProvinceStatus.DRAFT])

    def apply(self, reports: QuerySet[ProvinceReport]) -> QuerySet[ProvinceReport]:
        if self.value("province"):
            reports = reports.filter(province=self.value("province"))
        if self.value("round"):
            reports = reports.filter(round=self.value("round"))
        if self.value("status"):
            reports = reports.filter(status=self.value("status"))
        return reports


class AwaitingFilter(ListFilter):
    """Pilot reports waiting for the province's review: by batch and round."""

    prefix = "awaiting"

    batch = choice_of(Batch.objects.order_by("number"), _("批次"))
    round = choice_of(_rounds(), _("轮次"))

    def apply(self, reports: QuerySet[PilotReport]) -> QuerySet[PilotReport]:
        if self.value("batch"):
            reports = reports.filter(pilot__batch=self.value("batch"))
        if self.value("round"):
            reports = reports.filter(round=self.value("round"))
        return reports
