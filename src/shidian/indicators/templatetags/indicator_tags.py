"""Indicator helpers for templates: ``{% load indicator_tags %}``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from shidian.core import formatting
from shidian.core.templatetags.shidian_urls import id_url_for
from shidian.indicators import formulas
from shidian.indicators.models import Indicator
from shidian.indicators.selectors import RankRow

register = template.Library()


@register.filter
def readable_formula(indicator: Any) -> str:
    """The indicator's formula with the names of the indicators it uses (one query per computed indicator)."""
    from shidian.indicators.models import Indicator

    if not indicator.formula:
        return ""
    codes = formulas.references(formulas.parse(indicator.formula))
    names = dict(Indicator.objects.filter(code__in=codes).values_list("code", "name"))
    return formulas.readable(indicator.formula, names)


@register.simple_tag(takes_context=True)
def ranking_rows(context: Any, rows: Sequence[RankRow], indicator: Indicator) -> SafeString:
    """The ranking's rows: up to 200 pilots, whose cells through the template engine were a third of the page."""
    if not rows:
        return format_html('<tr><td colspan="5">{}</td></tr>', _("暂无数据"))

    def value(v: Any) -> str:
        return formatting.indicator_value(
            v, value_type=indicator.value_type, decimals=indicator.decimals, unit=indicator.unit
        )

    return format_html_join(
        "",
        '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                r.rank,
                id_url_for(context.render_context, "indicators:pilot", r.pilot_id),
                r.pilot_name,
                r.province,
                value(r.value),
                r.status,
            )
            for r in rows
        ),
    )
