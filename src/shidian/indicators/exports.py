"""Spreadsheets of monitoring lists, written through the shared XLSX helper (formula-looking text stays text)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from shidian.core import formatting
from shidian.core.documents import xlsx as sheets
from shidian.indicators.selectors import OffTrack


def off_track_xlsx(rows: Sequence[OffTrack]) -> bytes:
    """The off-track list as filtered on the page (every page of it), values with their units."""
    with translation.override("zh-hans"):
        return sheets.one_sheet(
            _("进度滞后的试点"),
            [
                sheets.Column(_("省级单位"), 16),
                sheets.Column(_("试点地区"), 24),
                sheets.Column(_("指标"), 28),
                sheets.Column(_("单位"), 10),
                sheets.Column(_("最新值"), 14),
                sheets.Column(_("目标值"), 14),
                sheets.Column(_("实际/所需增速"), 14, "0.00"),
                sheets.Column(_("进度"), 12),
            ],
            (
                [
                    r.pilot.province.name,
                    r.pilot.name,
                    r.indicator.name,
                    r.indicator.unit,
                    _value(r.latest, r),
                    _value(r.target, r),
                    r.assessment.ratio,
                    str(r.assessment.status.label),
                ]
                for r in rows
            ),
        )


def _value(value: Decimal, row: OffTrack) -> str:
    indicator = row.indicator
    return formatting.indicator_value(
        value,
        value_type=indicator.value_type,
        decimals=indicator.decimals,
        unit="",
    )
