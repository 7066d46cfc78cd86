"""ECharts options for the monitoring pages, built on the server (static/shidian/charts.js renders them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from shidian.core import formatting
from shidian.core.periods import Period
from shidian.indicators.models import Direction, Indicator
from shidian.indicators.selectors import Rollup, Series
from shidian.regions.models import Province


def _number(value: Decimal | None, decimals: int | None = None) -> float | None:
    if value is None:
        return None
    return float(value) if decimals is None else round(float(value), decimals)


def _labels(axis: list[str]) -> list[str]:
    """Axis labels as officials write periods (2019年上半年, 2019年度); the codes stay the data keys."""
    return [formatting.period(code) for code in axis]


def _axis(points: list[Period], years: list[int], half_year: bool) -> list[str]:
    if half_year:
        return [p.code for year in years for p in (Period(year, 1), Period(year, 2))]
    return [str(year) for year in years]


def _extent(values: list[float]) -> dict[str, Any]:
    """Axis bounds that include the target lines (ECharts leaves mark lines out of the axis extent)."""
    if not values:
        return {"scale": True}
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    return {
        "min": round(low - pad, 2),
        "max": round(high + pad, 2),
        "axisLabel": {"showMinLabel": False, "showMaxLabel": False},
    }


def series_chart(series: Series, *, years: list[int]) -> dict[str, Any]:
    """A pilot's values over time with its own targets and the national plan's target as lines."""
    indicator = series.indicator
    half = indicator.period_type == "half_year"
    axis = _axis([p for p, _v in series.points], years, half)
    by_code = {p.code: _number(v, indicator.decimals) for p, v in series.points}
    lines: list[dict[str, Any]] = [
        {"yAxis": float(value), "name": _("%(year)d年目标") % {"year": year}, "lineStyle": {"color": "#2e7d32"}}
        for year, value in sorted(series.targets.items())
    ]
    if series.national is not None:
        lines.append(
            {
                "yAxis": float(series.national.target_value),
                "name": _("国家 %(year)d 年目标") % {"year": series.national.target_year},
                "lineStyle": {"color": "#c0392b", "type": "dashed"},
            }
        )
    return {
        "title": {
            "text": f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name,
            "left": "center",
            "textStyle": {"fontSize": 13},
        },
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 56, "right": 24, "top": 40, "bottom": 28},
        "xAxis": {"type": "category", "data": _labels(axis)},
        "yAxis": {
            "type": "value",
            **_extent([*(v for v in by_code.values() if v is not None), *(line["yAxis"] for line in lines)]),
        },
        "series": [
            {
                "type": "line",
                "name": indicator.name,
                "connectNulls": False,
                "data": [by_code.get(code) for code in axis],
                "markLine": {
                    "symbol": "none",
                    "label": {"formatter": "{b}：{c}", "position": "insideEndTop"},
                    "data": lines,
                },
            }
        ],
    }


def comparison_chart(
    indicator: Indicator, years: list[int], named: list[tuple[str, dict[str, Decimal]]]
) -> dict[str, Any]:
    """Several pilots' series of one indicator side by side."""
    axis = _axis([], years, indicator.period_type == "half_year")
    return {
        "title": {"text": indicator.name, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 56, "right": 24, "top": 40, "bottom": 48},
        "xAxis": {"type": "category", "data": _labels(axis)},
        "yAxis": {"type": "value", "scale": True},
        "series": [
            {"type": "line", "name": name, "data": [_number(values.get(code), indicator.decimals) for code in axis]}
            for name, values in named
        ],
    }


def province_tile_map(indicator: Indicator, provinces: list[Province], rollups: dict[int, Rollup]) -> dict[str, Any]:
    """The province tile grid (as pilots.charts.province_tile_grid) coloured by an indicator's roll-up."""
    values = [float(r.value) for r in rollups.values() if r.value is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high <= low:  # one province (a provincial officer's view): colour it mid-scale
        low, high = low - 1, high + 1
    good, bad = "#1e8449", "#c0392b"
    colours = ["#fdecea", bad] if indicator.direction == Direction.NEGATIVE else ["#eaf5ee", good]
    data = []
    for province in provinces:
        rollup = rollups.get(province.pk)
        value = _number(rollup.value, indicator.decimals) if rollup else None
        data.append(
            {
                "name": province.short_name,
                "value": [province.grid_col, province.grid_row, value if value is not None else "-"],
                "code": province.code,
                "itemStyle": {} if value is not None else {"color": "#eeeeee"},
            }
        )
    return {
        "tooltip": {"formatter": "{b}"},
        "grid": {"left": 8, "right": 8, "top": 8, "bottom": 48},
        "xAxis": {"type": "value", "min": -0.5, "max": 8.5, "show": False},
        "yAxis": {"type": "value", "min": -0.5, "max": 7.5, "inverse": True, "show": False},
        "visualMap": {
            "min": low,
            "max": high,
            "dimension": 2,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "text": [_("高"), _("低")],
            "calculable": False,
            "inRange": {"color": colours},
        },
        "series": [
            {
                "type": "scatter",
                "symbol": "rect",
                "symbolSize": 38,
                "label": {"show": True, "formatter": "{b}", "fontSize": 11, "color": "#222"},
                "data": data,
            }
        ],
    }


def province_boundary_map(
    indicator: Indicator, provinces: list[Province], rollups: dict[int, Rollup]
) -> dict[str, Any]:
    """The same colouring over the uploaded, approved boundary file (registered as 'shidian-provinces')."""
    tiles = province_tile_map(indicator, provinces, rollups)
    visual = {k: v for k, v in tiles["visualMap"].items() if k != "dimension"} | {"left": "left", "orient": "vertical"}
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}"},
        "visualMap": visual,
        "series": [
            {
                "type": "map",
                "map": "shidian-provinces",
                "roam": False,
                "data": [{"name": p.name, "value": _number(rollups[p.pk].value)} for p in provinces if p.pk in rollups],
            }
        ],
    }
