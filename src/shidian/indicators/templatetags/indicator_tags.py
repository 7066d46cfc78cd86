"""Indicator helpers for templates: ``{% load indicator_tags %}``."""

from __future__ import annotations

from typing import Any

from django import template

from shidian.indicators import formulas

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
