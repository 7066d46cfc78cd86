"""Indicator roll-ups at roll-out scale: one grouped aggregate query vs summing rows in Python.

Generates synthetic county-level units and their values in this process (BENCH_AREAS areas, default
20,000; three indicators - a sum, a plain mean and a population-weighted mean - over two years, plus
the population weights), then times ``selectors.province_rollups`` (set-based, the code the monitoring
pages run) against a naive baseline that fetches every value row and aggregates in Python.
Reports the ratio baseline / set-based (higher is better). docs/indicators.md has the PostgreSQL
design for the full 48M values.
"""

from __future__ import annotations

import os
import random
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any

from _setup import django_with_reference

AREAS = int(os.environ.get("BENCH_AREAS", "20000"))
CODES = ["resident_population", "stock_land_revitalised", "green_space_rate", "urban_rate_resident"]
YEARS = [2019, 2020]


def main() -> None:
    django_with_reference()
    from shidian.accounts.models import User
    from shidian.core.periods import Period
    from shidian.indicators import aggregates, selectors
    from shidian.indicators.models import Aggregation, Indicator, IndicatorValue, ValueStatus
    from shidian.pilots.models import Batch, PilotArea
    from shidian.regions.models import Province

    rng = random.Random(2020)
    provinces = list(Province.objects.all())
    batch = Batch.objects.get(number=3)
    PilotArea.objects.bulk_create(
        (
            PilotArea(batch=batch, province=provinces[i % len(provinces)], name=f"合成单元{i}", kind="县",
                      verification="research-data")
            for i in range(AREAS)
        ),
        batch_size=5000,
    )  # fmt: skip
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=CODES)}
    pilot_ids = list(PilotArea.objects.values_list("pk", flat=True))
    start = time.perf_counter()
    rows = (
        IndicatorValue(
            pilot_id=pk, indicator=indicators[code], period=str(year), year=year,
            value=Decimal(str(round(rng.uniform(20, 90), 2))), status=ValueStatus.ACCEPTED,
        )
        for pk in pilot_ids
        for year in YEARS
        for code in CODES
    )  # fmt: skip
    IndicatorValue.objects.bulk_create(rows, batch_size=5000)
    aggregates.rebuild()  # written around the services that keep the roll-ups
    total = IndicatorValue.objects.count()
    print(f"generated {total} values for {len(pilot_ids)} areas in {time.perf_counter() - start:.1f} s")
    national = User.objects.get(username="demo-national")
    period = Period(2020)

    def set_based() -> dict[int, Any]:
        result = {}
        for code in CODES:
            rollups = selectors.province_rollups(user=national, indicator=indicators[code], period=period)
            result[code] = {k: v.value for k, v in rollups.items()}
        return result

    def per_row() -> dict[int, Any]:
        result = {}
        for code in CODES:
            indicator = indicators[code]
            weights: dict[int, Decimal] = {}
            if indicator.aggregation == Aggregation.WEIGHTED_MEAN:
                for value in IndicatorValue.objects.filter(
                    indicator=indicator.weight_indicator, period=period.code, is_current=True
                ):
                    weights[value.pilot_id] = value.value
            sums: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
            for value in IndicatorValue.objects.filter(
                indicator=indicator, period=period.code, is_current=True
            ).select_related("pilot"):
                acc = sums[value.pilot.province_id]
                weight = weights.get(value.pilot_id, Decimal(1))
                acc[0] += value.value * weight
                acc[1] += weight
                acc[2] += 1
            out = {}
            for province_id, (total_, weight_sum, n) in sums.items():
                if indicator.aggregation == Aggregation.SUM:
                    out[province_id] = total_
                elif indicator.aggregation == Aggregation.MEAN:
                    out[province_id] = total_ / n
                else:
                    out[province_id] = total_ / weight_sum
                out[province_id] = out[province_id].quantize(Decimal(1).scaleb(-indicator.decimals))
            result[code] = out
        return result

    def timed(fn: Any, repeat: int = 3) -> tuple[float, Any]:
        best, result = float("inf"), None
        for _ in range(repeat):
            begin = time.perf_counter()
            result = fn()
            best = min(best, time.perf_counter() - begin)
        return best, result

    fast, a = timed(set_based)
    slow, b = timed(per_row)
    for code in CODES:
        for province_id, value in a[code].items():
            assert abs(value - b[code][province_id]) <= Decimal("0.01"), (
                code,
                province_id,
                value,
                b[code][province_id],
            )
    print(
        f"values={total} areas={len(pilot_ids)} indicators={len(CODES)} set-based={fast * 1000:.1f} ms "
        f"per-row baseline={slow * 1000:.1f} ms ratio={slow / fast:.1f}x"
    )


if __name__ == "__main__":
    main()
