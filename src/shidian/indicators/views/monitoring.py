"""Monitoring pages: the national and provincial roll-ups, the catalogue, comparisons, pilots off track."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from shidian.core import audit, listing, scoping
from shidian.core.http import AuthedHttpRequest
from shidian.core.kept import kept_template
from shidian.indicators import charts, exports, selectors
from shidian.indicators.filters import OffTrackFilter
from shidian.indicators.progress import ProgressStatus
from shidian.indicators.views._common import XLSX_TYPE, _business, _selected
from shidian.pilots import selectors as pilot_selectors
from shidian.regions import selectors as region_selectors


@login_required
def monitoring(request: AuthedHttpRequest) -> HttpResponse:
    """Roll-ups by province and for the nation, the province map, the ranking."""
    _business(request)
    indicator, period = _selected(request)

    def context() -> dict[str, object]:
        rollups = selectors.province_rollups(user=request.user, indicator=indicator, period=period)
        provinces = region_selectors.provinces()
        boundary = region_selectors.active_map_boundary()
        return {
            "indicator": indicator,
            "period": period,
            "catalogue": selectors.catalogue(),
            "periods": selectors.periods(),
            "national": selectors.national_rollup(user=request.user, indicator=indicator, period=period),
            "rows": [(p, rollups[p.pk]) for p in provinces if p.pk in rollups],
            "ranking": selectors.ranking(user=request.user, indicator=indicator, period=period),
            "map": (charts.province_boundary_map if boundary else charts.province_tile_map)(
                indicator, list(provinces), rollups
            ),
            "boundary": boundary,
            "scope": scoping.scope_for(request.user),
        }

    # Kept until the data moves (core/kept.py): the page depends on its reader, the indicator, the period and
    # the date only.
    html = kept_template(request, "indicators/_monitoring.html", f"{indicator.code}|{period.code}", context)
    return render(request, "indicators/monitoring.html", {"monitoring_html": html})


@login_required
def catalogue(request: AuthedHttpRequest) -> HttpResponse:
    _business(request)
    return render(request, "indicators/catalogue.html", {"categories": selectors.catalogue()})


@login_required
def compare(request: AuthedHttpRequest) -> HttpResponse:
    """Selected pilots side by side on one indicator."""
    _business(request)
    indicator, _period_unused = _selected(request)
    ids = [int(i) for i in request.GET.getlist("pilots") if i.isdigit()]
    pilots, values = selectors.comparison(user=request.user, indicator=indicator, pilot_ids=ids)
    chart = charts.comparison_chart(indicator, selectors.years(), [(p.name, values.get(p.pk, {})) for p in pilots])
    return render(
        request,
        "indicators/compare.html",
        {
            "indicator": indicator,
            "catalogue": selectors.catalogue(),
            "choices": pilot_selectors.visible_pilots(user=request.user).select_related("province"),
            "selected": {p.pk for p in pilots},
            "pilots": pilots,
            "chart": chart,
        },
    )


@login_required
def off_track(request: AuthedHttpRequest) -> HttpResponse:
    _business(request)
    code = request.GET.get("indicator")
    indicator = selectors.get_indicator(code) if code else None
    rows = selectors.off_track(user=request.user, indicator=indicator)
    list_filter = OffTrackFilter(request.GET, national=scoping.scope_for(request.user).is_national)
    if request.GET.get("format") == "xlsx":
        found = list_filter.apply(rows)
        audit.record(
            action=audit.AuditAction.OFF_TRACK_EXPORTED,
            actor=request.user,
            detail={"format": "xlsx", "rows": len(found), "indicator": code or ""},
        )
        response = HttpResponse(exports.off_track_xlsx(found), content_type=XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="off-track.xlsx"'
        return response
    page, query = listing.page_of(request, list_filter.apply(rows))
    return render(
        request,
        "indicators/off_track.html",
        {
            "rows": page,
            "query": query,
            "filters": list_filter,
            "indicator": indicator,
            "catalogue": selectors.catalogue(),
            "statuses": ProgressStatus,
        },
    )
