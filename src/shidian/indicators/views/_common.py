"""What the indicator pages share: the business-user check, the period and indicator chosen."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from shidian.core import clock, scoping, uploads
from shidian.core.errors import DomainError
from shidian.core.periods import Period
from shidian.core.roles import Capability
from shidian.indicators import selectors
from shidian.indicators.models import Indicator, PeriodType
from shidian.pilots import selectors as pilot_selectors

PAGE_SIZE = 50
XLSX_TYPE = uploads.XLSX.content_type
DEFAULT_INDICATOR = "urban_rate_resident"


def _business(request: HttpRequest) -> None:
    scoping.require(request.user, Capability.VIEW_PILOTS)


def _period(code: str) -> Period:
    try:
        return Period.parse(code)
    except DomainError as exc:
        raise Http404 from exc


def _selected(request: HttpRequest) -> tuple[Indicator, Period]:
    indicator = selectors.get_indicator(request.GET.get("indicator") or DEFAULT_INDICATOR)
    today = clock.today()
    years = selectors.years()
    ended = [y for y in years if Period(y).end < today]  # the demo's 2019-07-08 has no 2020 values yet
    default = str((ended or years)[-1]) if years else str(pilot_selectors.programme_end_year())
    if indicator.period_type == PeriodType.HALF_YEAR:
        default = f"{default}H2"
    return indicator, _period(request.GET.get("period") or default)
