"""Roll-ups at nationwide scale: the product's selectors vs DuckDB scanning a Parquet export of the same rows.

One indicator over all 20 periods: the national roll-up and the province roll-ups the monitoring page
shows, as the national account sees them, three ways in this run: the product's maintained roll-ups
(``selectors.rollups_over_periods``: one query of ``IndicatorRollup``), the scan it replaced (before:
``scanned_national_rollup`` + ``scanned_province_rollups`` per period, 40 queries over the values) and
DuckDB over a Parquet file of every current value (period, indicator, province, value), a near-limit
reference for a columnar scan. The three are compared value by value.

Also timed: the off-track list (``selectors.off_track``) for that indicator; one round's completeness by
province (after: ``round_completeness_by_province`` reading the maintained ``RoundCompleteness``; before:
``scanned_round_completeness_by_province``, the grouped query over every pilot's history and reports, and
the Python loop over every pilot's cells before that) against DuckDB grouping a Parquet export of the
round's report facts; the completeness matrix page's read (its rates and province rows from the maintained
counts and one page of pilot rows, as ``reporting.views.matrix`` reads them; the whole matrix, every pilot
by every round as the XLSX export and the API read it, for reference) against DuckDB grouping every round's
report facts by round, province and batch (what the rates need); and the refresh of the roll-ups: the keys
a 1M-value import touches (at most the dataset's values, in the import's chunks) refreshed with
``aggregates.refresh`` against the product import of a sample of the same rows (its own refreshes
included), extrapolated to the same number of rows. The maintained counts are compared with both scans.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any


def _copy_to_parquet(sql: str, path: Path, schema: Any) -> float:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    from django.db import connection

    start = time.perf_counter()
    csv_path = path.with_suffix(".csv")
    with connection.cursor() as cursor, csv_path.open("wb") as out, cursor.copy(sql) as copy:
        for chunk in copy:
            out.write(chunk)
    table = pacsv.read_csv(csv_path, convert_options=pacsv.ConvertOptions(column_types=schema))
    pq.write_table(table, path)
    csv_path.unlink()
    return time.perf_counter() - start


def export_parquet(path: Path) -> float:
    import pyarrow as pa

    sql = (
        "COPY (SELECT v.period, v.indicator_id, p.province_id, v.value::float8 AS value "
        "FROM indicators_indicatorvalue v JOIN pilots_pilotarea p ON p.id = v.pilot_id "
        "WHERE v.is_current AND v.status IN ('submitted', 'accepted')) TO STDOUT WITH (FORMAT csv, HEADER)"
    )
    schema = pa.schema(
        [("period", pa.string()), ("indicator_id", pa.int64()), ("province_id", pa.int64()), ("value", pa.float64())]
    )
    return _copy_to_parquet(sql, path, schema)


def export_report_facts(path: Path, round_id: int) -> float:
    """One round's pilot reports with the pilot's province and whether its first version was late."""
    import pyarrow as pa

    sql = (
        "COPY (SELECT p.province_id, r.id AS report_id, "
        "(SELECT v.is_late::int FROM reporting_pilotreportversion v WHERE v.report_id = r.id "
        "ORDER BY v.number LIMIT 1) "
        "AS first_late FROM reporting_pilotreport r JOIN pilots_pilotarea p ON p.id = r.pilot_id "
        f"WHERE r.round_id = {int(round_id)}) TO STDOUT WITH (FORMAT csv, HEADER)"
    )
    schema = pa.schema([("province_id", pa.int64()), ("report_id", pa.int64()), ("first_late", pa.int64())])
    return _copy_to_parquet(sql, path, schema)


def export_all_report_facts(path: Path) -> float:
    """Every round's pilot reports with the pilot's province and batch and whether the first version was late."""
    import pyarrow as pa

    sql = (
        "COPY (SELECT r.round_id, p.province_id, p.batch_id, r.id AS report_id, "
        "(SELECT v.is_late::int FROM reporting_pilotreportversion v WHERE v.report_id = r.id "
        "ORDER BY v.number LIMIT 1) "
        "AS first_late FROM reporting_pilotreport r JOIN pilots_pilotarea p ON p.id = r.pilot_id) "
        "TO STDOUT WITH (FORMAT csv, HEADER)"
    )
    schema = pa.schema(
        [
            ("round_id", pa.int64()),
            ("province_id", pa.int64()),
            ("batch_id", pa.int64()),
            ("report_id", pa.int64()),
            ("first_late", pa.int64()),
        ]
    )
    return _copy_to_parquet(sql, path, schema)


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def import_keys(n: int) -> Iterator[list[tuple[int, int, str]]]:
    """The (pilot, indicator, period) keys of import_bench's first n rows, in the import's write chunks."""
    from import_bench import PERIODS
    from nationwide import MARK

    from shidian.indicators.imports import WRITE_CHUNK
    from shidian.indicators.models import Indicator
    from shidian.pilots.models import PilotArea

    units = list(PilotArea.objects.filter(name__startswith=MARK).order_by("pk").values_list("pk", flat=True)[:n])
    indicators = list(
        Indicator.objects.filter(code__startswith="bench_rollout_").order_by("code").values_list("pk", flat=True)
    )
    chunk: list[tuple[int, int, str]] = []
    count = 0
    for period in PERIODS:
        for indicator in indicators:
            for unit in units:
                if count == n:
                    yield chunk
                    return
                chunk.append((unit, indicator, period))
                count += 1
                if len(chunk) == WRITE_CHUNK:
                    yield chunk
                    chunk = []
    if chunk:
        yield chunk


def sample_import(n: int) -> tuple[float, float]:
    """Import n of import_bench's rows through the product (national account); (seconds, of which refresh)."""
    import import_bench

    from shidian.accounts.models import User
    from shidian.indicators import aggregates, imports
    from shidian.indicators.models import ImportState, IndicatorPeriod

    for period in import_bench.PERIODS:
        IndicatorPeriod.objects.update_or_create(code=period, defaults={"year": int(period[:4]), "is_open": True})
    national = User.objects.get(username="demo-national")
    content = import_bench.rows_csv(n, salt=1000)  # other values than import_bench's own runs
    spent = [0.0]
    refresh = aggregates.refresh

    def timed(keys: Any) -> int:
        start = time.perf_counter()
        try:
            return refresh(keys)
        finally:
            spent[0] += time.perf_counter() - start

    aggregates.refresh = timed
    try:
        start = time.perf_counter()
        job = imports.start_import(content=content, file_name="bench-rollups.csv", mode="all", by=national)
        if job.state != ImportState.DONE:
            job = imports.run_job(job.pk)
        seconds = time.perf_counter() - start
    finally:
        aggregates.refresh = refresh
    assert job.state == ImportState.DONE, (job.state, job.errors[:5])
    return seconds, spent[0]


def run(*, dataset: Any, smoke: bool) -> list[tuple[Any, ...]]:
    import duckdb
    import nationwide

    from shidian.accounts.models import User
    from shidian.core import clock
    from shidian.core.periods import Period
    from shidian.indicators import aggregates, selectors
    from shidian.indicators.models import Indicator
    from shidian.reporting import selectors as reporting
    from shidian.reporting import services as reporting_services
    from shidian.reporting.models import ReportingRound, RoundKind

    national = User.objects.get(username="demo-national")
    indicator = Indicator.objects.get(pk=dataset.indicators[-1])  # a generated mean indicator: every unit has it
    periods = [Period.parse(code) for code in nationwide.PERIODS]
    tmp = Path(tempfile.mkdtemp(prefix="shidian-bench-parquet-"))
    parquet = tmp / "values.parquet"
    export_s = export_parquet(parquet)
    print(f"  Parquet export of every current value: {export_s:.1f} s", flush=True)
    repeat = 1 if smoke else 3

    def scanned() -> dict[str, Any]:
        return {
            period.code: (
                selectors.scanned_national_rollup(user=national, indicator=indicator, period=period),
                selectors.scanned_province_rollups(user=national, indicator=indicator, period=period),
            )
            for period in periods
        }

    def maintained() -> dict[str, Any]:
        table = selectors.rollups_over_periods(user=national, indicator=indicator)
        return {code: (table.national[code], table.provinces[code]) for code in table.national}

    db = duckdb.connect()
    sql_province = (
        "SELECT period, province_id, avg(value), count(*) FROM read_parquet(?) WHERE indicator_id = ? "
        "GROUP BY period, province_id"
    )
    sql_national = "SELECT period, avg(value), count(*) FROM read_parquet(?) WHERE indicator_id = ? GROUP BY period"

    def reference() -> tuple[list[Any], list[Any]]:
        args = [str(parquet), indicator.pk]
        return db.execute(sql_national, args).fetchall(), db.execute(sql_province, args).fetchall()

    before_s, before = best(scanned, repeat)
    after_s, ours = best(maintained, repeat)
    duck_s, (national_rows, province_rows) = best(reference, repeat)
    differing = sorted(code for code in before if before[code] != ours.get(code))
    print(f"  maintained vs scanned: {len(differing)} of {len(before)} periods differ {differing[:5]}", flush=True)
    for period, mean, n in national_rows:
        got = ours[period][0]
        assert got.value is not None and abs(got.value - Decimal(str(mean))) < Decimal("0.01"), (period, got, mean)
        assert got.areas == n, (period, got, n)
    for period, province, mean, n in province_rows:
        got = ours[period][1][province]
        assert abs(got.value - Decimal(str(mean))) < Decimal("0.01") and got.areas == n, (period, province, got)
    off_s, _rows = best(lambda: selectors.off_track(user=national, indicator=indicator), repeat)

    # The completeness matrix and one round by province; DuckDB groups the round's report facts.
    today = clock.today()
    current = (
        ReportingRound.objects.filter(pilot_due__lte=today).order_by("-pilot_due").first()
        or ReportingRound.objects.order_by("pilot_due").first()
    )
    if current is None:  # a demo without rounds (the smoke run): open last year's
        current = reporting_services.open_round(
            year=today.year - 1, kind=RoundKind.YEAR_END, by=reporting_services.OPENER
        )
    facts = tmp / "reports.parquet"
    export_report_facts(facts, current.pk)
    sql_reports = (
        "SELECT province_id, count(*), count(*) FILTER (WHERE first_late = 1) FROM read_parquet(?) "
        "WHERE first_late IS NOT NULL GROUP BY province_id"
    )
    duck_reports_s, _reports = best(lambda: db.execute(sql_reports, [str(facts)]).fetchall(), repeat)

    def loop() -> dict[int, tuple[int, int, int]]:  # before: what round_completeness_by_province was
        out: dict[int, list[int]] = {}
        for row in reporting.round_rows(user=national, reporting_round=current, today=today):
            item = out.setdefault(row.pilot.province_id, [0, 0, 0])
            item[0] += 1
            item[1] += int(row.cell.submitted)
            item[2] += int(row.cell.late)
        return {k: (a, b, c) for k, (a, b, c) in out.items()}

    def grouped() -> dict[int, tuple[int, int, int, int, int]]:
        rows = reporting.scanned_round_completeness_by_province(user=national, reporting_round=current, today=today)
        return {r.province.pk: (r.expected, r.submitted, r.late, r.waiting, r.missing) for r in rows}

    def maintained_round() -> dict[int, tuple[int, int, int, int, int]]:
        rows = reporting.round_completeness_by_province(user=national, reporting_round=current, today=today)
        return {r.province.pk: (r.expected, r.submitted, r.late, r.waiting, r.missing) for r in rows}

    loop_s, by_loop = best(loop, repeat)
    grouped_s, by_group = best(grouped, repeat)
    kept_s, by_kept = best(maintained_round, repeat)
    # DuckDB groups every report of the round (it has no status history): the cost of the grouping, a reference.
    same_round = by_loop == {k: v[:3] for k, v in by_group.items()} and by_group == by_kept
    print(f"  round completeness: maintained == grouped == loop: {same_round}", flush=True)

    # The matrix page: its rates and province rows from the counts, one page of pilot rows (as the view reads).
    from shidian.core import listing

    every_facts = tmp / "all-reports.parquet"
    export_all_report_facts(every_facts)
    sql_matrix = (
        "SELECT round_id, province_id, batch_id, count(*), count(*) FILTER (WHERE first_late = 1) "
        "FROM read_parquet(?) WHERE first_late IS NOT NULL GROUP BY round_id, province_id, batch_id"
    )
    duck_matrix_s, _groups = best(lambda: db.execute(sql_matrix, [str(every_facts)]).fetchall(), repeat)

    def page() -> Any:
        from django.core.paginator import Paginator

        pilots = Paginator(reporting.matrix_pilots(user=national), listing.PAGE_SIZE).get_page(1)
        return reporting.completeness_matrix(user=national, today=today, pilots=list(pilots.object_list))

    page_s, shown = best(page, repeat)
    matrix_s, whole = best(lambda: reporting.completeness_matrix(user=national, today=today), repeat)
    from_cells: dict[str, list[int]] = {}  # the rates added up from every pilot's cells, as the matrix once did
    for row in whole.pilot_rows:
        item = from_cells.setdefault(row.province, [0, 0, 0])
        for cell in row.cells:
            if cell.counted:
                item[0], item[1], item[2] = item[0] + 1, item[1] + int(cell.submitted), item[2] + int(cell.on_time)
    rates = [(r.label, r.expected, r.submitted, r.on_time) for r in shown.by_province]
    same_rates = rates == [(label, *counts) for label, counts in from_cells.items()]
    print(
        f"  matrix page: {len(shown.pilot_rows)} of {len(whole.pilot_rows)} pilot rows, "
        f"{len(whole.rounds)} rounds; the page's rates == every pilot's cells added up: {same_rates}",
        flush=True,
    )

    # Refreshing the roll-ups after a 1M-value import (at most the dataset's values), in the import's chunks.
    n = min(1_000_000, dataset.values)
    start = time.perf_counter()
    groups = 0
    for keys in import_keys(20 if smoke else n):
        groups += aggregates.refresh(keys)
    refresh_s = time.perf_counter() - start
    sample = min(int(os.environ.get("BENCH_ROLLUP_IMPORT_ROWS", "20" if smoke else "5000")), n)
    sample_s, sample_refresh_s = sample_import(sample)
    import_s = sample_s * (20 if smoke else n) / sample
    print(
        f"  refresh of {n:,} imported keys ({groups:,} groups refreshed): {refresh_s:.1f} s; "
        f"import of {sample:,} rows {sample_s:.1f} s (refresh {sample_refresh_s:.2f} s of it)",
        flush=True,
    )
    ratio = after_s / duck_s
    if differing or not same_round or not same_rates:
        raise AssertionError("the maintained or grouped figures differ from the scans (see above)")
    what = f"{len(periods)} 期 x 全国 + {len(province_rows) // max(len(periods), 1)} 省"
    provinces = len(by_group)
    return [
        ("汇总", f"一个指标的全国和分省汇总（{what}），维护的汇总表", f"{after_s * 1000:.1f} ms",
         f"DuckDB {duck_s * 1000:.0f} ms", ratio, "≤ 3x DuckDB", ratio <= 3),
        ("汇总", "同上，修复前：逐期扫描数值（40 次查询）", f"{before_s * 1000:.0f} ms",
         f"DuckDB {duck_s * 1000:.0f} ms", before_s / duck_s, "—", None),
        ("汇总", "偏离目标清单（一个指标）", f"{off_s * 1000:.0f} ms", f"DuckDB 汇总 {duck_s * 1000:.0f} ms",
         off_s / duck_s, "≤ 3x DuckDB", off_s / duck_s <= 3),
        ("汇总", f"一轮报告完成情况（{provinces} 省），维护的计数表", f"{kept_s * 1000:.1f} ms",
         f"DuckDB {duck_reports_s * 1000:.1f} ms", kept_s / duck_reports_s, "≤ 3x DuckDB",
         kept_s / duck_reports_s <= 3),
        ("汇总", "同上，修复前：分组查询（逐个试点查状态和首个版本）", f"{grouped_s * 1000:.1f} ms",
         f"DuckDB {duck_reports_s * 1000:.1f} ms", grouped_s / duck_reports_s, "—", None),
        ("汇总", "同上，更早：逐个试点的 Python 循环", f"{loop_s * 1000:.1f} ms",
         f"DuckDB {duck_reports_s * 1000:.1f} ms", loop_s / duck_reports_s, "—", None),
        ("汇总", f"报告完成情况矩阵页（报送率 + 省级报告 + 一页 {listing.PAGE_SIZE} 个试点 x {len(whole.rounds)} 轮）",
         f"{page_s * 1000:.1f} ms", f"DuckDB 分轮分省分批汇总 {duck_matrix_s * 1000:.1f} ms",
         page_s / duck_matrix_s, "≤ 3x DuckDB", page_s / duck_matrix_s <= 3),
        ("汇总", f"同上，整个矩阵（全部 {len(whole.pilot_rows):,} 个试点，XLSX 导出与接口）",
         f"{matrix_s * 1000:.0f} ms",
         f"DuckDB 分轮分省分批汇总 {duck_matrix_s * 1000:.1f} ms", matrix_s / duck_matrix_s, "—", None),
        ("汇总", f"导入 {n:,} 个数值后刷新汇总（{groups:,} 组）", f"{refresh_s:.1f} s",
         f"导入 {import_s:.0f} s（{sample:,} 行实测 {sample_s:.1f} s 外推）", refresh_s / import_s, "< 1x 导入",
         refresh_s < import_s),
    ]  # fmt: skip
