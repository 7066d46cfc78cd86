"""A deterministic nationwide dataset written with PostgreSQL COPY (or reused when already there).

At SCALE=1: ~2,850 county-level units and ~38,000 townships under the real provinces (in proportion to
each province's county-level divisions in the reference data), 60 indicators (the catalogue plus synthetic
ones up to 60), 20 half-year periods 2011H1-2020H2: about 49M current, accepted indicator values. SCALE
multiplies the number of units (SCALE=0.1 is a tenth). The rows are the same for the same SCALE on every
machine: names, values and the order of the COPY follow from the indices alone.

``bench_meta`` remembers what was generated; a later run with the same SCALE reuses it.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

COUNTIES = 2850
TOWNSHIPS = 38000
INDICATORS = 60
PERIODS = [f"{year}H{half}" for year in range(2011, 2021) for half in (1, 2)]
ENTERED_AT = "2020-12-31 12:00:00+08"
MARK = "全国推广"  # every generated unit's name starts with it


@dataclass(frozen=True)
class Dataset:
    scale: float
    units: int
    indicators: list[int]
    values: int
    generated: bool
    seconds: float


def value_for(unit: int, indicator: int, period: int) -> str:
    """A deterministic value in [20, 100) with two decimals, spread enough for rankings and off-track lists."""
    h = (unit * 2_654_435_761 + indicator * 40_503 + period * 9_973) % 8_000
    return f"{20 + h / 100:.2f}"


def _units_per_province(scale: float) -> list[tuple[int, int, int]]:
    """(province id, counties, townships) in province order, in proportion to the real county-level count."""
    from django.db.models import Count, Q

    from shidian.regions.models import Province

    provinces = list(
        Province.objects.filter(is_division=True)
        .annotate(n=Count("divisions", filter=Q(divisions__level="county")))
        .order_by("code")
    )
    if not provinces:
        provinces = list(Province.objects.annotate(n=Count("divisions")).order_by("code"))
    weights = [max(p.n, 1) for p in provinces]
    total = sum(weights)
    counties = max(round(COUNTIES * scale), len(provinces) if scale >= 0.01 else 1)
    townships = max(round(TOWNSHIPS * scale), 1)
    out = []
    given_c = given_t = 0
    for i, (province, weight) in enumerate(zip(provinces, weights, strict=True)):
        last = i == len(provinces) - 1
        c = counties - given_c if last else round(counties * weight / total)
        t = townships - given_t if last else round(townships * weight / total)
        given_c += c
        given_t += t
        out.append((province.pk, max(c, 0), max(t, 0)))
    return out


def _ensure_indicators() -> list[int]:
    from shidian.indicators.models import Aggregation, Indicator, PeriodType

    existing = list(Indicator.objects.filter(is_active=True).order_by("order", "pk"))
    template = next(i for i in existing if i.aggregation == Aggregation.MEAN and not i.formula)
    for n in range(len(existing), INDICATORS):
        Indicator.objects.get_or_create(
            code=f"bench_rollout_{n:02d}",
            defaults={
                "name": f"推广监测指标{n:02d}",
                "unit": "%",
                "category": template.category,
                "aggregation": Aggregation.MEAN,
                "decimals": 2,
                "period_type": PeriodType.HALF_YEAR,
                "order": 900 + n,
            },
        )
    return list(Indicator.objects.filter(is_active=True).order_by("order", "pk").values_list("pk", flat=True))[
        :INDICATORS
    ]


def generate(scale: float) -> Dataset:
    """Generate the dataset for SCALE with COPY, or reuse it if bench_meta says it is there."""
    from django.db import connection

    from shidian.core.db import analyze
    from shidian.pilots.models import Batch

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (scale text PRIMARY KEY, units int, values_ bigint)")
        cursor.execute("SELECT units, values_ FROM bench_meta WHERE scale = %s", [repr(scale)])
        found = cursor.fetchone()
    indicators = _ensure_indicators()
    if found:
        return Dataset(scale, found[0], indicators, found[1], False, time.perf_counter() - start)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_meta")
        if cursor.fetchone()[0]:
            raise SystemExit("bench: this database holds another SCALE's dataset; use a fresh one")
    batch = Batch.objects.get(number=3)
    buffer = io.StringIO()
    n = 0
    for province_id, counties, townships in _units_per_province(scale):
        for kind, count in (("县", counties), ("建制镇", townships)):
            for _i in range(count):
                buffer.write(
                    f"{batch.pk}\t{province_id}\t{MARK}{kind}{n:05d}\t{kind}\tresearch-data\t\tactive\t"
                    f"{ENTERED_AT}\t{ENTERED_AT}\tnone\n"
                )
                n += 1
    with connection.cursor() as cursor:
        columns = (
            "batch_id, province_id, name, kind, verification, source_note, status, created_at, updated_at, "
            "division_match"
        )
        with cursor.copy(f"COPY pilots_pilotarea ({columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        cursor.execute("SELECT id FROM pilots_pilotarea WHERE name LIKE %s ORDER BY id", [MARK + "%"])
        units = [row[0] for row in cursor.fetchall()]
        columns = "pilot_id, indicator_id, period, year, value, status, source, version, is_current, note, entered_at"
        total = 0
        with cursor.copy(f"COPY indicators_indicatorvalue ({columns}) FROM STDIN") as copy:
            for p, period in enumerate(PERIODS):
                year = period[:4]
                for i, indicator in enumerate(indicators):
                    lines = [
                        f"{unit}\t{indicator}\t{period}\t{year}\t{value_for(u, i, p)}\taccepted\timport\t1\tt\t\t"
                        f"{ENTERED_AT}\n"
                        for u, unit in enumerate(units)
                    ]
                    copy.write("".join(lines))
                    total += len(lines)
        cursor.execute("INSERT INTO bench_meta VALUES (%s, %s, %s)", [repr(scale), len(units), total])
    analyze("pilots", "indicators")
    # COPY went around the services that keep the roll-ups: recompute them, as operations would.
    from shidian.indicators import aggregates

    rebuild_start = time.perf_counter()
    rows = aggregates.rebuild()
    print(f"  roll-ups rebuilt: {rows:,} rows in {time.perf_counter() - rebuild_start:.1f} s", flush=True)
    # ... and the round completeness, which counts every pilot (the units) in every round.
    from shidian.reporting import aggregates as reporting_aggregates

    rebuild_start = time.perf_counter()
    rows = reporting_aggregates.rebuild()
    print(f"  round completeness rebuilt: {rows:,} rows in {time.perf_counter() - rebuild_start:.1f} s", flush=True)
    analyze("indicators", "reporting")
    return Dataset(scale, len(units), indicators, total, True, time.perf_counter() - start)
