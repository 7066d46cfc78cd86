"""Deterministic demo indicator history from 2016 up to the business date for every pilot (DESIGN.md, "Demo").

Years that have ended by the business date carry annual values (the last one partly still awaiting the
province); a half-year that has ended in the current year carries its flows, submitted, in draft or still
missing.

Values trend towards each pilot's 2020 targets at different paces (some on track, some behind, a few
going backwards), some are missing, a few break the validation rules, and one is an outlier. Written in
bulk (demo data, not user input); computed indicators come from the same formula engine as the services.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from shidian.core import audit, clock, db
from shidian.core.actors import system
from shidian.core.periods import Period
from shidian.indicators import aggregates, formulas, services
from shidian.indicators.models import (
    Comparator,
    Indicator,
    IndicatorValue,
    PilotTarget,
    ValueSource,
    ValueStatus,
)
from shidian.pilots.models import AreaKind, PilotArea

SEED = 20161209
FIRST_YEAR, LAST_YEAR = 2016, 2020
MISSING_RATE = 0.04

# code → (start low, start high, change by 2020: absolute, or a factor when "x", None for no target)
LEVELS: dict[str, tuple[float, float, float | str | None]] = {
    "urban_rate_resident": (40, 72, 6.0),
    "migrant_children_compulsory_edu": (85, 97, 99.0),
    "free_vocational_training": (70, 90, 95.0),
    "pension_coverage": (65, 85, 90.0),
    "medical_insurance_coverage": (90, 96, 98.0),
    "affordable_housing_coverage": (12, 20, 23.0),
    "public_service_coverage": (70, 92, 6.0),
    "transit_share_million_cities": (25, 50, 60.0),
    "public_water_supply_rate": (80, 95, 98.0),
    "sewage_treatment_rate": (80, 93, 95.0),
    "msw_harmless_rate": (85, 97, 99.0),
    "community_service_coverage": (60, 90, 100.0),
    "green_building_share": (10, 35, 50.0),
    "online_government_services": (40, 75, 90.0),
    "renewable_energy_share": (6, 12, 13.0),
    "green_space_rate": (30, 38, 38.9),
    "air_quality_compliance": (40, 75, 80.0),
    "park_output_share": (40, 70, 8.0),
    "rural_road_coverage": (80, 98, 100.0),
    "urban_land_per_capita": (95, 140, "x0.9"),
    "urban_rural_income_ratio": (1.9, 2.9, -0.3),
    "energy_per_gdp": (0.4, 1.2, "x0.85"),
}
# code → (start low, start high, yearly growth factor)
GROWTH: dict[str, tuple[float, float, float]] = {
    "gdp_per_capita": (35000, 140000, 1.07),
    "household_broadband": (20, 60, 1.5),
    "jobs_housing_balance": (0.6, 1.2, 1.03),
    "historic_buildings_protected": (10, 300, 1.08),
    "culture_heritage_investment": (500, 8000, 1.05),
    "town_powers_devolved": (20, 200, 1.1),
    "stock_land_revitalised": (50, 800, 1.05),
    "low_efficiency_land_redeveloped": (20, 400, 1.06),
}
# half-year flows per 万 resident: code → (low, high)
FLOWS: dict[str, tuple[float, float]] = {
    "migrant_settled": (5, 40),
    "residence_permits": (10, 80),
    "new_urban_jobs": (0.004, 0.012),
}
FLAGS = ("development_boundary_delimited", "multi_plan_integration")
TARGETED = (
    "urban_rate_resident",
    "urban_rate_hukou",
    "public_service_coverage",
    "green_building_share",
    "sewage_treatment_rate",
    "urban_land_per_capita",
    "urban_rural_income_ratio",
    "basic_farmland_area",
)


def _clamp(indicator: Indicator, value: float) -> Decimal:
    if indicator.min_value is not None:
        value = max(value, float(indicator.min_value))
    if indicator.max_value is not None:
        value = min(value, float(indicator.max_value))
    return Decimal(str(round(value, indicator.decimals)))


def _goal(start: float, change: float | str) -> float:
    if isinstance(change, str):
        return start * float(change[1:])
    return start + change if change < 10 else change  # small numbers are deltas, large ones absolute goals


@transaction.atomic
def load_demo_indicators(*, today: dt.date | None = None) -> int:
    """Create the demo values up to the business date, targets and quality issues; a second call changes nothing."""
    if IndicatorValue.objects.exists():
        return 0
    today = today or clock.today()
    years = range(FIRST_YEAR, min(today.year, LAST_YEAR + 1))  # the years that have ended
    open_half = Period(today.year, 1) if today.year <= LAST_YEAR and today >= dt.date(today.year, 7, 1) else None
    rng = random.Random(SEED)  # noqa: S311  (deterministic demo data, not security)
    indicators = {i.code: i for i in Indicator.objects.all()}
    pilots = list(PilotArea.objects.select_related("batch").order_by("batch__number", "province__code", "name"))
    values: list[IndicatorValue] = []
    targets: list[PilotTarget] = []
    hukou_tree = formulas.parse(indicators["urban_rate_hukou"].formula)

    def add(pilot: PilotArea, code: str, period: Period, value: float | Decimal, status: str) -> None:
        indicator = indicators[code]
        amount = value if isinstance(value, Decimal) else _clamp(indicator, value)
        values.append(
            IndicatorValue(
                pilot=pilot,
                indicator=indicator,
                period=period.code,
                year=period.year,
                value=amount,
                status=status,
                source=ValueSource.COMPUTED if indicator.is_computed else ValueSource.FORM,
            )
        )

    for index, pilot in enumerate(pilots):
        small = pilot.kind in (AreaKind.TOWN, AreaKind.COUNTY, AreaKind.DISTRICT)
        population = rng.uniform(5, 15) if pilot.kind == AreaKind.TOWN else rng.uniform(30, 120 if small else 900)
        # Pace towards the targets: most on track, some behind, a few going backwards.
        pace = rng.choices([1.05, 0.7, 0.3, -0.3], weights=[55, 25, 15, 5])[0]
        stage = services.stage_year(pilot)
        last_year = years[-1] if rng.random() > 0.08 else years[-1] - 1  # a few have not reported the last year
        starts: dict[str, float] = {}
        goals: dict[str, float] = {}
        for code, (low, high, change) in LEVELS.items():
            starts[code] = rng.uniform(low, high)
            goals[code] = _goal(starts[code], change) if change is not None else starts[code]
        hukou_rate = starts["urban_rate_resident"] - rng.uniform(8, 20)
        starts["urban_rate_hukou"], goals["urban_rate_hukou"] = hukou_rate, hukou_rate + 8
        farmland = rng.uniform(20, 60) if small else rng.uniform(100, 600)
        basic_share = rng.uniform(0.78, 0.9)
        growth_starts = {code: rng.uniform(low, high) for code, (low, high, _g) in GROWTH.items()}
        flag_years = {code: rng.choice([2016, 2017, 2018, 2019, 2021]) for code in FLAGS}
        for year in years:
            if year > last_year:
                break
            status = (
                ValueStatus.ACCEPTED
                if year < years[-1]
                else rng.choice([ValueStatus.ACCEPTED, ValueStatus.ACCEPTED, ValueStatus.SUBMITTED])
            )
            period = Period(year)
            step = (year - 2016) / 4
            pop = population * (1.01 ** (year - 2016))
            hukou_pop = pop * 0.95
            add(pilot, "resident_population", period, pop, status)
            for code in LEVELS:
                if rng.random() < MISSING_RATE:
                    continue
                path = starts[code] + (goals[code] - starts[code]) * step * pace
                if index == 7 and code == "green_space_rate" and year == 2017:
                    path = 85  # implausible for a city: the outlier test finds it
                add(pilot, code, period, path + rng.gauss(0, abs(goals[code] - starts[code]) * 0.03), status)
            resident_rate = (
                starts["urban_rate_resident"]
                + (goals["urban_rate_resident"] - starts["urban_rate_resident"]) * step * pace
            )
            hukou_rate = starts["urban_rate_hukou"] + 8 * step * pace
            if index % 37 == 5 and year == 2018:
                hukou_rate = resident_rate + 4  # breaks 户籍 ≤ 常住 (a rule finding)
            hukou_urban = hukou_pop * hukou_rate / 100
            add(pilot, "hukou_population", period, hukou_pop, status)
            add(pilot, "hukou_urban_population", period, hukou_urban, status)
            computed = formulas.evaluate(
                hukou_tree,
                {
                    "hukou_urban_population": _clamp(indicators["hukou_urban_population"], hukou_urban),
                    "hukou_population": _clamp(indicators["hukou_population"], hukou_pop),
                },
            )
            if computed.value is not None:
                add(pilot, "urban_rate_hukou", period, float(computed.value), status)
            for code, start in growth_starts.items():
                factor = GROWTH[code][2] ** (year - 2016)
                if code == "gdp_per_capita" and index % 29 == 3 and year == 2018:
                    factor *= 1.6  # a year-on-year jump the rule flags
                add(pilot, code, period, start * factor * rng.uniform(0.97, 1.03), status)
            add(pilot, "farmland_area", period, farmland * (0.998 ** (year - 2016)), status)
            add(pilot, "basic_farmland_area", period, farmland * basic_share, status)
            for code in FLAGS:
                add(pilot, code, period, 1 if year >= flag_years[code] else 0, status)
            for half in (1, 2):
                for code, (low, high) in FLOWS.items():
                    if rng.random() < MISSING_RATE:
                        continue
                    add(pilot, code, Period(year, half), pop * rng.uniform(low, high), status)
        for code in TARGETED:
            indicator = indicators[code]
            if code == "basic_farmland_area":
                goal, comparator = farmland * basic_share, Comparator.AT_LEAST
            else:
                goal = goals[code]
                comparator = Comparator.AT_MOST if indicator.direction == "negative" else Comparator.AT_LEAST
            start = starts.get(code, goal)
            stage_goal = start + (goal - start) * (stage - 2016) / 4
            for target_year, amount in ((stage, stage_goal), (2020, goal)):
                targets.append(
                    PilotTarget(
                        pilot=pilot,
                        indicator=indicator,
                        target_year=target_year,
                        target_value=_clamp(indicator, amount),
                        comparator=comparator,
                        source="演示：试点工作方案目标",
                    )
                )
        if open_half is not None and index % 3 != 2:  # the rest have not entered the half-year yet
            half_status = ValueStatus.SUBMITTED if index % 3 == 0 else ValueStatus.DRAFT
            for code, (low, high) in FLOWS.items():
                add(pilot, code, open_half, population * 1.03 * rng.uniform(low, high), half_status)
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    PilotTarget.objects.bulk_create(targets, batch_size=2000)
    aggregates.rebuild()  # the values went in without the services
    db.analyze("indicators")  # the quality checks below query what was just written
    for year in years:
        services.run_quality_checks(period=Period(year), by=system("load_demo"))
    audit.record(
        action=audit.AuditAction.INDICATORS_DEMO_LOADED, detail={"values": len(values), "targets": len(targets)}
    )
    return len(values)
