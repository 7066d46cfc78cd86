"""The indicator catalogue: loaded from the programme's tables, its rules, one indicator's edits."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit
from shidian.core.actors import SystemActor
from shidian.core.errors import DomainError
from shidian.indicators import aggregates, formulas
from shidian.indicators.models import (
    Aggregation,
    Comparator,
    Indicator,
    IndicatorCategory,
    IndicatorPeriod,
    NationalTarget,
    Operator,
    RuleKind,
    ValidationRule,
)
from shidian.regions import services as region_services

FIRST_YEAR = 2016
LAST_YEAR = 2020


_TARGET = re.compile(r"^\s*(?P<prefix>[≥≤]?)\s*(?P<number>-?\d+(?:\.\d+)?)\s*(?P<suffix>左右)?\s*$")


def parse_target(text: str) -> tuple[Decimal, str]:
    """ "60左右" → (60, about); "≥99" → (99, gte); "≤100" → (100, lte); "95" → (95, eq)."""
    match = _TARGET.match(text)
    if match is None:
        raise DomainError(_("目标“%(text)s”无法识别。") % {"text": text})
    if match.group("prefix") == "≥":
        comparator = Comparator.AT_LEAST
    elif match.group("prefix") == "≤":
        comparator = Comparator.AT_MOST
    elif match.group("suffix"):
        comparator = Comparator.ABOUT
    else:
        comparator = Comparator.EXACT
    return Decimal(match.group("number")), comparator


def _decimal_or_none(text: str) -> Decimal | None:
    text = (text or "").strip()
    return Decimal(text) if text else None


def _read_csv(name: str) -> list[dict[str, str]]:
    text = region_services.reference_path(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _category(name: str, order: int) -> IndicatorCategory:
    category = IndicatorCategory.objects.filter(name=name).first()
    if category is None:
        category = IndicatorCategory.objects.create(code=f"c{order:02d}", name=name, order=order)
    return category


@transaction.atomic
def load_catalogue() -> dict[str, int]:
    """Load (idempotently) the national plan's 18 main indicators, the default pilot set, periods and rules."""
    national = _read_csv("national_indicators.csv")
    pilot_rows = _read_csv("pilot_indicators.csv")
    names = list(dict.fromkeys([r["category"] for r in national] + [r["category"] for r in pilot_rows]))
    categories = {name: _category(name, order) for order, name in enumerate(names, start=1)}
    national_codes = {r["code"] for r in national}
    for order, row in enumerate(pilot_rows, start=1):
        Indicator.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "unit": row["unit"],
                "category": categories[row["category"]],
                "direction": row["direction"],
                "value_type": row["value_type"],
                "decimals": int(row["decimals"]),
                "min_value": _decimal_or_none(row["min_value"]),
                "max_value": _decimal_or_none(row["max_value"]),
                "aggregation": row["aggregation"],
                # Weights are listed before the indicators they weight.
                "weight_indicator": Indicator.objects.get(code=row["weight_indicator"])
                if row["weight_indicator"]
                else None,
                "period_type": row["period_type"],
                "source": row["source"],
                "formula": row["formula"],
                "is_national": row["code"] in national_codes,
                "order": order,
            },
        )
    by_code = {i.code: i for i in Indicator.objects.all()}
    for row in national:
        indicator = by_code.get(row["code"])
        if indicator is None:
            indicator = Indicator.objects.create(
                code=row["code"],
                name=row["name"],
                unit=row["unit"],
                category=categories[row["category"]],
                is_national=True,
                order=900,
            )
        target, comparator = parse_target(row["target_2020"])
        NationalTarget.objects.update_or_create(
            indicator=indicator,
            defaults={
                "base_value": _decimal_or_none(row["value_2012"]),
                "target_value": target,
                "comparator": comparator,
                "target_text": row["target_2020"],
                "nature": row["nature"],
                "actual_value": _decimal_or_none(row["actual_2020"]),
                "source_note": row["source_note"],
            },
        )
    formulas.evaluation_order({i.code: i.formula for i in Indicator.objects.exclude(formula="")})
    periods = 0
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for code in (f"{year}H1", f"{year}H2", str(year)):
            IndicatorPeriod.objects.get_or_create(code=code, defaults={"year": year})
            periods += 1
    rules = _default_rules()
    return {"indicators": Indicator.objects.count(), "national": len(national), "periods": periods, "rules": rules}


def _default_rules() -> int:
    compare = [
        ("户籍人口城镇化率不应高于常住人口城镇化率", "urban_rate_hukou", Operator.LTE, "urban_rate_resident"),
        ("城镇户籍人口不应多于户籍总人口", "hukou_urban_population", Operator.LTE, "hukou_population"),
        ("永久基本农田面积不应大于耕地保有量", "basic_farmland_area", Operator.LTE, "farmland_area"),
    ]
    jumps = [
        ("常住人口城镇化率同比变动不超过 10%", "urban_rate_resident", Decimal(10)),
        ("人均地区生产总值同比变动不超过 30%", "gdp_per_capita", Decimal(30)),
        ("常住人口同比变动不超过 15%", "resident_population", Decimal(15)),
    ]
    by_code = {i.code: i for i in Indicator.objects.all()}
    for name, left, operator, right in compare:
        ValidationRule.objects.get_or_create(
            name=name,
            defaults={
                "kind": RuleKind.COMPARE,
                "indicator": by_code[left],
                "operator": operator,
                "other_indicator": by_code[right],
            },
        )
    for name, code, percent in jumps:
        ValidationRule.objects.get_or_create(
            name=name,
            defaults={"kind": RuleKind.YEAR_ON_YEAR, "indicator": by_code[code], "max_change_percent": percent},
        )
    return ValidationRule.objects.count()


def check_indicator(indicator: Indicator) -> None:
    """Refuse a formula that is not arithmetic over known codes, makes a cycle, or a weight-less weighted mean."""
    if indicator.formula.strip():
        others = {i.code: i.formula for i in Indicator.objects.exclude(formula="").exclude(pk=indicator.pk)}
        others[indicator.code] = indicator.formula
        known = set(Indicator.objects.values_list("code", flat=True)) | {indicator.code}
        formulas.check_references(others, known)
        formulas.evaluation_order(others)
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN and indicator.weight_indicator_id is None:
        raise DomainError(_("加权平均的指标必须指定权重指标。"))


@transaction.atomic
def save_indicator(*, indicator: Indicator, by: User | SystemActor) -> Indicator:
    """Create or change an indicator (an admin adds indicators to the catalogue)."""
    check_indicator(indicator)
    created = indicator.pk is None
    indicator.full_clean()
    stored = Indicator.objects.filter(pk=indicator.pk).values_list("weight_indicator_id", flat=True)
    weight_before = None if created else stored.first()
    indicator.save()
    if not created and weight_before != indicator.weight_indicator_id:
        aggregates.rebuild(indicator_ids=[indicator.pk])  # its weighted sums follow another weight now
    audit.record(
        action=audit.AuditAction.INDICATOR_CREATED if created else audit.AuditAction.INDICATOR_CHANGED,
        actor=by,
        obj=indicator,
        detail={"code": indicator.code, "formula": indicator.formula},
    )
    return indicator
