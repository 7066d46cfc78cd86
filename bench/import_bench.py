"""Import: indicator values through the product's import path vs PostgreSQL COPY of the same rows.

The product's path is the one an upload takes: ``imports.start_import`` (read, size and type checks, the
job row) and ``imports.run_job`` (what the background worker runs: every row validated, then written as
new versions with the audit trail and the recomputed formulas), as the national account. It runs in a
child process so that its peak memory (ru_maxrss) is the importing process's own. The baseline is COPY of
the same rows (province, area, code, period, value) into a bare table, in the same run.

The rows revise values of the generated units, half year by half year from 2020H2 back (a second version of
each). BENCH_IMPORT_ROWS (default 1M, the issue's figure; at most the dataset's values) sets how many; with
fewer the rate and the memory per row are measured and the 1M figures extrapolated. The product streams a
CSV (core.tables.StreamedTable) and writes it in set-based chunks (indicators.bulk, the API push's path).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# The half years revised, latest first: as many as the rows need (each a second version of every value).
PERIODS = [f"{year}H{half}" for year in range(2020, 2010, -1) for half in (2, 1)]
HEADER = "省级单位,试点地区,指标代码,期间,数值\n"


def rows_csv(n: int, salt: int = 0) -> bytes:
    """n rows over the generated units and indicators, deterministic; ``salt``: the earlier bench imports
    (so that a second run revises every value again instead of finding them unchanged)."""
    from nationwide import MARK

    from shidian.indicators.models import Indicator
    from shidian.pilots.models import PilotArea

    units = list(
        PilotArea.objects.filter(name__startswith=MARK).order_by("pk").values_list("province__name", "name")[:n]
    )
    codes = list(
        Indicator.objects.filter(code__startswith="bench_rollout_").order_by("code").values_list("code", flat=True)
    )
    lines = [HEADER]
    count = 0
    for period in PERIODS:
        for code in codes:
            for province, name in units:
                if count == n:
                    return "".join(lines).encode("utf-8")
                lines.append(f"{province},{name},{code},{period},{50 + ((count + 7 * salt) % 4000) / 100:.2f}\n")
                count += 1
    return "".join(lines).encode("utf-8")


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def child(n: int, salt: int) -> None:
    """In the child: the product's import of n rows; prints seconds and peak memory as JSON."""
    import django

    django.setup()
    from shidian.accounts.models import User
    from shidian.indicators import imports
    from shidian.indicators.models import ImportState, IndicatorPeriod

    for period in PERIODS:
        IndicatorPeriod.objects.update_or_create(code=period, defaults={"year": int(period[:4]), "is_open": True})
    national = User.objects.get(username="demo-national")
    before = _rss_kib("VmRSS")  # Django loaded, no rows yet
    Path("/proc/self/clear_refs").write_text("5")  # Linux: reset the peak (VmHWM) to the current size
    content = rows_csv(n, salt)  # the upload's bytes: the product is handed the whole file
    start = time.perf_counter()
    job = imports.start_import(content=content, file_name="bench.csv", mode="all", by=national)
    if job.state != ImportState.DONE:
        job = imports.run_job(job.pk)
    seconds = time.perf_counter() - start
    peak = _rss_kib("VmHWM")
    assert job.state == ImportState.DONE, (job.state, job.errors[:5])
    print(json.dumps({"seconds": seconds, "peak_kib": peak, "before_kib": before, "written": job.written_rows,
                      "bytes": len(content)}))  # fmt: skip


def copy_baseline(content: bytes) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_copy "
            "(province text, area text, code text, period text, value numeric)"
        )
        cursor.execute("TRUNCATE bench_copy")
        start = time.perf_counter()
        with cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER)") as copy:
            copy.write(content)
        seconds = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_copy")
    return seconds


def copy_into_values_shape(n: int) -> float:
    """COPY n new versions into a table with the values table's columns, indexes and checks (not its foreign
    keys, nor the superseding of the versions they replace): what PostgreSQL itself needs to take these rows
    into this schema, the floor under any import path."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_values_shape (LIKE indicators_indicatorvalue INCLUDING DEFAULTS "
            "INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES)"
        )
        cursor.execute(  # the rows: the current versions the import revises, as their next version
            "SELECT pilot_id, indicator_id, period, year, value + 1, status, 'import', version + 1, true, '', now() "
            "FROM indicators_indicatorvalue WHERE is_current ORDER BY year DESC, period DESC, indicator_id, pilot_id "
            "LIMIT %s",
            [n],
        )
        rows = cursor.fetchall()
        columns = "pilot_id, indicator_id, period, year, value, status, source, version, is_current, note, entered_at"
        start = time.perf_counter()
        with cursor.cursor.copy(f"COPY bench_values_shape ({columns}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
        seconds = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_values_shape")
    return seconds


def run(*, dataset: Any, smoke: bool, env: dict[str, str]) -> list[tuple[Any, ...]]:
    n = min(int(os.environ.get("BENCH_IMPORT_ROWS", "20" if smoke else "1000000")), dataset.values)
    from shidian.indicators.models import ImportJob

    salt = ImportJob.objects.filter(file_name="bench.csv").count()
    content = rows_csv(n, salt)
    copy_s = copy_baseline(content)
    shape_s = copy_into_values_shape(n)
    out = subprocess.run(
        [sys.executable, str(Path(__file__)), str(n), str(salt)], env=env, check=True, capture_output=True, text=True
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    ours = result["seconds"]
    peak_mb = result["peak_kib"] / 1024
    growth_mb = (result["peak_kib"] - result["before_kib"]) / 1024
    per_million = growth_mb * 1_000_000 / n
    ratio = copy_s / ours
    print(f"  import of {n} rows: {ours:.1f} s, COPY {copy_s:.3f} s, into the values' shape {shape_s:.3f} s, "
          f"peak {peak_mb:.0f} MB", flush=True)  # fmt: skip
    return [
        ("导入", f"{n:,} 个数值经产品导入（1M 外推 {ours * 1_000_000 / n / 60:.0f} min）", f"{n / ours:,.0f} 行/s",
         f"COPY {n / copy_s:,.0f} 行/s", ratio, "≥ 0.5x COPY", ratio >= 0.5),
        ("导入", "参照：同样的行 COPY 进与数值表同结构（索引、约束）的表", f"{n / shape_s:,.0f} 行/s",
         f"COPY {n / copy_s:,.0f} 行/s", copy_s / shape_s, "—", None),
        ("导入", "导入进程峰值内存",
         f"{peak_mb:.0f} MB（导入中增长 {growth_mb:.0f} MB，1M 外推 {per_million:,.0f} MB）", "—", None,
         "< 500 MB（1M 行）", peak_mb - growth_mb + per_million < 500),
    ]  # fmt: skip


if __name__ == "__main__":
    sys.path[:0] = [str(HERE), str(HERE.parent / "src")]
    child(int(sys.argv[1]), int(sys.argv[2]))
