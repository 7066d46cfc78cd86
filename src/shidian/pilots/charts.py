"""ECharts option dictionaries for the registry pages, built on the server."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from shidian.regions.models import Province


def bar(title: str, items: list[tuple[str, int]]) -> dict[str, Any]:
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {},
        "grid": {"left": 40, "right": 16, "bottom": 40, "top": 40},
        "xAxis": {
            "type": "category",
            "data": [label for label, _n in items],
            "axisLabel": {"interval": 0, "rotate": 30 if len(items) > 4 else 0},
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "data": [n for _label, n in items], "label": {"show": True, "position": "top"}}],
    }


def province_tile_grid(counts: list[tuple[Province, int]]) -> dict[str, Any]:
    """One square per province-level unit on a grid, coloured by count: no boundaries, no review number needed."""
    peak = max((n for _p, n in counts), default=0)
    return {
        "tooltip": {"formatter": "{b}：{c}"},
        "grid": {"left": 8, "right": 8, "top": 8, "bottom": 48},
        "xAxis": {"type": "value", "min": -0.5, "max": 8.5, "show": False},
        "yAxis": {"type": "value", "min": -0.5, "max": 7.5, "inverse": True, "show": False},
        "visualMap": {
            "min": 0,
            "max": max(peak, 1),
            "dimension": 2,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "text": [_("多"), _("少")],
            "calculable": False,
            "inRange": {"color": ["#f0f4f8", "#c0392b"]},
        },
        "series": [
            {
                "type": "scatter",
                "symbol": "rect",
                "symbolSize": 38,
                "label": {"show": True, "formatter": "{b}", "fontSize": 11, "color": "#222"},
                "data": [
                    {"name": p.short_name, "value": [p.grid_col, p.grid_row, n], "code": p.code} for p, n in counts
                ],
            }
        ],
    }


def province_map(counts: list[tuple[Province, int]]) -> dict[str, Any]:
    """A choropleth over the uploaded, approved boundary file (registered in the page as 'shidian-provinces')."""
    peak = max((n for _p, n in counts), default=0)
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}"},
        "visualMap": {
            "min": 0,
            "max": max(peak, 1),
            "left": "left",
            "bottom": 0,
            "text": [_("多"), _("少")],
            "inRange": {"color": ["#f0f4f8", "#c0392b"]},
        },
        "series": [
            {
                "type": "map",
                "map": "shidian-provinces",
                "roam": False,
                "data": [{"name": p.name, "value": n} for p, n in counts],
            }
        ],
    }
