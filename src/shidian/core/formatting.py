"""Numbers, periods and dates as officials write them: one module for pages, documents and exports.

Pages use the template filters in ``core/templatetags/shidian_format.py``; documents and spreadsheets call
these functions directly. Documents are always Chinese, so every function here writes Chinese, except
``local_date``, which follows the active language for the public portal.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import dateformat, timezone, translation
from django.utils.encoding import force_str

from shidian.core.periods import Period

YES = "是"
NO = "否"


def number(value: Decimal | float | int | str | None, decimals: int = 2, *, grouping: bool = False) -> str:
    """Return the value rounded half-up to ``decimals`` places ("19412", "68.74"); "" for None."""
    if value is None or value == "":
        return ""
    try:
        quantum = Decimal(1).scaleb(-decimals) if decimals > 0 else Decimal(1)
        rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0.00"
    return f"{rounded:,.{decimals}f}" if grouping else f"{rounded:.{decimals}f}"


# The evaluation's numbers (issue 12): scores, contributions and points on 0..100 to the cent; indices on 0..1
# (an indicator's cell, the coupling model's U, C, T and D) to three places; weights of 100 as whole numbers.
SCORE_DECIMALS = 2
INDEX_DECIMALS = 3


def score(value: Decimal | float | int | str | None) -> str:
    """Return a score on 0..100 to the cent ("61.98", "100.00"); "" for None."""
    return number(value, SCORE_DECIMALS)


def index(value: Decimal | float | int | str | None) -> str:
    """Return an index on 0..1 to three places ("0.958"), as the coupling coordination degree D is written."""
    return number(value, INDEX_DECIMALS)


def _exact(value: Decimal | float | int | str | None) -> Decimal | str:
    """The value as an exact Decimal, or the text to show as it is ("" for None, the text if not a number)."""
    if value is None or value == "":
        return ""
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return str(value)


def weight(value: Decimal | float | int | str | None) -> str:
    """Return a weight of 100 as a whole number ("35"), or to the cent once re-scaled ("38.89"); "" for None."""
    exact = _exact(value)
    if not isinstance(exact, Decimal):
        return exact
    rounded = number(exact, SCORE_DECIMALS)
    return rounded[:-3] if rounded.endswith(".00") else rounded


def decimal(value: Decimal | float | int | str | None) -> str:
    """Return a stored decimal with only the places it needs ("12.5" for 12.500000, "3" for 3.000); "" for None."""
    exact = _exact(value)
    if not isinstance(exact, Decimal):
        return exact
    exponent = exact.normalize().as_tuple().exponent
    return number(exact, -exponent if isinstance(exponent, int) and exponent < 0 else 0)


def yes_no(value: Decimal | float | int | bool | None) -> str:
    """Return 是/否 for a yes/no indicator value (1/0); "" for None."""
    if value is None or value == "":
        return ""
    return YES if Decimal(str(int(value) if isinstance(value, bool) else value)) != 0 else NO


def indicator_value(
    value: Decimal | float | int | None,
    *,
    value_type: str,
    decimals: int,
    unit: str = "",
    with_unit: bool = True,
) -> str:
    """Return an indicator value with its decimals and unit ("19412人", "68.74%", "是"); "" for None."""
    if value is None:
        return ""
    if value_type == "yes_no":
        return yes_no(value)
    text = number(value, decimals)
    return f"{text}{unit}" if with_unit and unit else text


def period(code: str | Period | None) -> str:
    """Return a period as officials write it: 2019年上半年, 2019年下半年, 2019年度."""
    if code is None or code == "":
        return ""
    p = code if isinstance(code, Period) else Period.parse(str(code))
    if p.half is None:
        return f"{p.year}年度"
    return f"{p.year}年{'上' if p.half == 1 else '下'}半年"


def date(day: dt.date | dt.datetime | None) -> str:
    """Return a date as in official documents: 2019年7月10日 (no leading zeros)."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = (timezone.localtime(day) if timezone.is_aware(day) else day).date()
    return f"{day.year}年{day.month}月{day.day}日"


def local_date(day: dt.date | dt.datetime | None) -> str:
    """Return a date in the active language: 2019年7月10日 in Chinese, 10 July 2019 in English."""
    if day is None:
        return ""
    if not (translation.get_language() or "").startswith("en"):
        return date(day)
    if isinstance(day, dt.datetime):
        day = (timezone.localtime(day) if timezone.is_aware(day) else day).date()
    return dateformat.format(day, "j F Y")  # Django's month names, in the active language


def datetime(moment: dt.datetime | None, *, seconds: bool = False) -> str:
    """Return a moment in the local time zone as 2019年7月10日 14:05 (with seconds for the audit trail)."""
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    clock = f"{moment:%H:%M:%S}" if seconds else f"{moment:%H:%M}"
    return f"{date(moment)} {clock}"


def percent(value: Decimal | float | int | None, decimals: int = 1) -> str:
    """Return a share in per cent, "87.5%"; "" for None."""
    if value is None:
        return ""
    return f"{number(value, decimals)}%"


def days(count: int) -> str:
    """Return a day count: "3天"."""
    return f"{count}天"


def fractions_as_text(value: Any) -> Any:
    """A JSON value with every fractional number written as text (the API's rule: no precision lost)."""
    if isinstance(value, dict):
        return {key: fractions_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [fractions_as_text(item) for item in value]
    if isinstance(value, float | Decimal) and not isinstance(value, bool):
        return format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
    return value


# One {value: label} per model field and language: ``get_FOO_display()`` rebuilds the mapping from the lazy
# labels (a translation lookup each) on every call, which on a list of rows was most of a page (issue 16).
_CHOICE_LABELS: dict[tuple[type[models.Model], str, str], dict[Any, str]] = {}


def choice_label(instance: models.Model, field_name: str) -> str:
    """What ``instance.get_<field_name>_display()`` shows, in the active language."""
    field = instance._meta.get_field(field_name)
    assert isinstance(field, models.Field)  # noqa: S101 - a model's own column, never a reverse relation
    key = (type(instance), field_name, translation.get_language() or "")
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        labels = {value: str(label) for value, label in field.flatchoices}
        _CHOICE_LABELS[key] = labels
    value = getattr(instance, field.attname)
    label = labels.get(value)
    return label if label is not None else force_str(value, strings_only=True)
