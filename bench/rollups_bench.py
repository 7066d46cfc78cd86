"""Roll-ups at nationwide scale: the product's selectors vs DuckDB scanning a Parquet export of the same rows.

One indicator over all 20 periods: the national roll-up and the province roll-ups the monitoring page
shows (indicators.selectors, as the national account sees them), against the same aggregates computed
by DuckDB over a Parquet file of every current value (period, indicator, province, value) - a near-limit
reference for a columnar scan. Both are timed in this run; the results are compared value by value.
Also timed: the off-track list (selectors.off_track) for that indicator, which has no DuckDB twin.
"""

from __future__ import annotations

import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any


def export_parquet(path: Path) -> float:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    from django.db import connection

    start = time.perf_counter()
    sql = (
        "COPY (SELECT v.period, v.indicator_id, p.province_id, v.value::float8 AS value "
        "FROM indicators_indicatorvalue v JOIN pilots_pilotarea p ON p.id = v.pilot_id "
        "WHERE v.is_current AND v.status IN ('submitted', 'accepted')) TO STDOUT WITH (FORMAT csv, HEADER)"
    )
    csv_path = path.with_suffix(".csv")
    with connection.cursor() as cursor, csv_path.open("wb") as out, cursor.copy(sql) as copy:
        for chunk in copy:
            out.write(chunk)
    schema = pa.schema(
        [("period", pa.string()), ("indicator_id", pa.int64()), ("province_id", pa.int64()), ("value", pa.float64())]
    )
    table = pacsv.read_csv(csv_path, convert_options=pacsv.ConvertOptions(column_types=schema))
    pq.write_table(table, path)
    csv_path.unlink()
    return time.perf_counter() - start


def run(*, dataset: Any, smoke: bool) -> list[tuple[Any, ...]]:
    import duckdb
    import nationwide

    from shidian.accounts.models import User
    from shidian.core.periods import Period
    from shidian.indicators import selectors
    from shidian.indicators.models import Indicator

    national = User.objects.get(username="demo-national")
    indicator = Indicator.objects.get(pk=dataset.indicators[-1])  # a generated mean indicator: every unit has it
    periods = [Period.parse(code) for code in nationwide.PERIODS]
    tmp = Path(tempfile.mkdtemp(prefix="shidian-bench-parquet-"))
    parquet = tmp / "values.parquet"
    export_s = export_parquet(parquet)
    print(f"  Parquet export of every current value: {export_s:.1f} s", flush=True)
    repeat = 1 if smoke else 3

    def product() -> dict[str, Any]:
        out = {}
        for period in periods:
            out[period.code] = (
                selectors.national_rollup(user=national, indicator=indicator, period=period),
                selectors.province_rollups(user=national, indicator=indicator, period=period),
            )
        return out

    db = duckdb.connect()
    sql_province = (
        "SELECT period, province_id, avg(value), count(*) FROM read_parquet(?) WHERE indicator_id = ? "
        "GROUP BY period, province_id"
    )
    sql_national = "SELECT period, avg(value), count(*) FROM read_parquet(?) WHERE indicator_id = ? GROUP BY period"

    def reference() -> tuple[list[Any], list[Any]]:
        args = [str(parquet), indicator.pk]
        return db.execute(sql_national, args).fetchall(), db.execute(sql_province, args).fetchall()

    def best(fn: Any) -> tuple[float, Any]:
        times, result = [], None
        for _ in range(repeat):
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        return min(times), result

    product_s, ours = best(product)
    duck_s, (national_rows, province_rows) = best(reference)
    for period, mean, _n in national_rows:
        got = ours[period][0].value
        assert got is not None and abs(Decimal(got) - Decimal(str(mean))) < Decimal("0.01"), (period, got, mean)
    for period, province, mean, _n in province_rows:
        got = ours[period][1][province].value
        assert abs(Decimal(got) - Decimal(str(mean))) < Decimal("0.01"), (period, province, got, mean)
    off_s, _rows = best(lambda: selectors.off_track(user=national, indicator=indicator))
    ratio = product_s / duck_s
    what = f"{len(periods)} 期 x 全国 + {len(province_rows) // max(len(periods), 1)} 省"
    return [
        ("汇总", f"一个指标的全国和分省汇总（{what}）", f"{product_s * 1000:.0f} ms", f"DuckDB {duck_s * 1000:.0f} ms",
         ratio, "≤ 3x DuckDB", ratio <= 3),
        ("汇总", "偏离目标清单（一个指标）", f"{off_s * 1000:.0f} ms", f"DuckDB 汇总 {duck_s * 1000:.0f} ms",
         off_s / duck_s, "≤ 3x DuckDB", off_s / duck_s <= 3),
    ]  # fmt: skip
