"""Template filters over core.formatting: ``{% load shidian_format %}``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template

from shidian.core import formatting

register = template.Library()


@register.filter
def cn_date(value: dt.date | dt.datetime | str | None) -> str:
    """2019年7月10日; also an ISO date or time kept as text (a JSON snapshot's ``"2019-07-10"``)."""
    if isinstance(value, str):
        text = value
        try:
            value = dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
        except ValueError:
            return text
    return formatting.date(value)


@register.filter
def local_date(value: dt.date | dt.datetime | None) -> str:
    """A date in the reader's language (the public portal): 2019年7月10日 / 10 July 2019."""
    return formatting.local_date(value)


@register.filter
def cn_datetime(value: dt.datetime | None, precision: str = "") -> str:
    """2019年7月10日 14:05 in local time; ``|cn_datetime:"seconds"`` adds the seconds."""
    return formatting.datetime(value, seconds=precision == "seconds")


@register.filter
def label(instance: Any, field_name: str) -> str:
    """The label of a choice field's value, as ``get_<field>_display`` gives it (core.formatting.choice_label)."""
    return formatting.choice_label(instance, field_name)


@register.filter
def cn_period(value: Any) -> str:
    """2019年上半年 / 2019年度."""
    return formatting.period(value)


@register.filter
def cn_number(value: Decimal | float | int | None, decimals: int = 2) -> str:
    """A number with the given decimals."""
    return formatting.number(value, decimals)


@register.filter
def cn_score(value: Decimal | float | int | str | None) -> str:
    """A score on 0..100 to the cent."""
    return formatting.score(value)


@register.filter
def cn_weight(value: Decimal | float | int | str | None) -> str:
    """A weight of 100: whole, or to the cent once re-scaled."""
    return formatting.weight(value)


@register.filter
def cn_index(value: Decimal | float | int | str | None) -> str:
    """An index on 0..1 (an indicator's cell, the coupling degree C, the coordination degree D) to three places."""
    return formatting.index(value)


@register.filter
def cn_decimal(value: Decimal | float | int | str | None) -> str:
    """A stored decimal with only the places it needs ("12.5" for 12.500000)."""
    return formatting.decimal(value)


@register.filter
def indicator_value(value: Decimal | float | int | None, indicator: Any) -> str:
    """A value with its indicator's decimals and unit, or 是/否."""
    if indicator is None:
        return formatting.number(value)
    return formatting.indicator_value(
        value, value_type=indicator.value_type, decimals=indicator.decimals, unit=indicator.unit
    )


@register.filter
def iso_date(value: dt.date | dt.datetime | None) -> str:
    """ISO date for <input type="date"> values, whatever the interface language."""
    if value is None:
        return ""
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
