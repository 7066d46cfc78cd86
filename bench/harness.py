"""``make bench``: nationwide-scale benchmarks on PostgreSQL, one table, each figure a ratio vs a baseline.

Run through ``scripts/with_postgres.sh`` (a throwaway server) or with SHIDIAN_DATABASE_URL pointing at a
PostgreSQL database you keep (then the dataset is generated once and reused). Environment:

  SCALE            share of the nationwide dataset (1 = ~40,850 units, ~49M values; 0.1 a tenth)
  BENCH_DURATION   seconds of wrk per page (default 10)
  BENCH_SMOKE=1    tiny run for ``make test``: every benchmark runs once, nothing is judged or written
  BENCH_ONLY       comma-separated sections (demo,http,import,rollups,evaluation,documents) to run only those

The table goes to stdout and, except in smoke runs, to docs/benchmarks.md (with machine, versions, date).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "src")]

SMOKE = os.environ.get("BENCH_SMOKE") == "1"
SCALE = float(os.environ.get("SCALE", "0.0005" if SMOKE else "1"))
DURATION = int(os.environ.get("BENCH_DURATION", "1" if SMOKE else "10"))
ONLY = {s for s in os.environ.get("BENCH_ONLY", "").split(",") if s}
SECRET = "bench-only-secret-key-not-for-production-0123456789abcdefghijkl"


@dataclass
class Row:
    section: str
    name: str
    measured: str
    baseline: str
    ratio: float | None
    goal: str
    met: bool | None


ROWS: list[Row] = []


def row(*args: object) -> None:
    ROWS.append(Row(*args))  # type: ignore[arg-type]


def wanted(section: str) -> bool:
    return not ONLY or section in ONLY


def environment() -> dict[str, str]:
    url = os.environ.get("SHIDIAN_DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("bench: needs PostgreSQL (run through scripts/with_postgres.sh or set SHIDIAN_DATABASE_URL)")
    var = Path(os.environ.get("SHIDIAN_VAR_DIR") or tempfile.mkdtemp(prefix="shidian-bench-var-"))
    env = {
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "SHIDIAN_DEBUG": "0",
        "SHIDIAN_DEMO": "1",
        "SHIDIAN_SECRET_KEY": SECRET,
        "SHIDIAN_VAR_DIR": str(var),
        "SHIDIAN_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT / "src")]),
    }
    os.environ.update(env)
    return dict(os.environ)


def timed_subprocess(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def bench_demo(env: dict[str, str]) -> None:
    """Loading the demo into PostgreSQL vs into SQLite: migrate, then the loader, each in a fresh database."""
    loader = "smoke" if SMOKE else "load_demo"
    manage = [sys.executable, "manage.py"]
    sqlite_dir = tempfile.mkdtemp(prefix="shidian-bench-sqlite-")
    sqlite_env = {**env, "SHIDIAN_DATABASE_URL": f"sqlite:///{sqlite_dir}/demo.sqlite3"}
    pg_env = {**env, "SHIDIAN_DATABASE_URL": env["SHIDIAN_DATABASE_URL"].rsplit("/", 1)[0] + "/bench_demo"}
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS bench_demo")
        cursor.execute("CREATE DATABASE bench_demo")
    times = {}
    for label, e in (("sqlite", sqlite_env), ("postgresql", pg_env)):
        if loader == "load_demo":
            timed_subprocess([*manage, "migrate", "--noinput", "-v", "0"], e)
            times[label] = timed_subprocess([*manage, "load_demo"], e)
        else:  # smoke: the same two databases and subprocesses, one table instead of the whole schema
            code = (
                "import django; django.setup(); from django.db import connection; "
                "connection.cursor().execute('CREATE TABLE bench_smoke (x int)')"
            )
            times[label] = timed_subprocess([sys.executable, "-c", code], e)
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS bench_demo")
    ratio = times["postgresql"] / times["sqlite"]
    what = "演示数据载入（migrate 之后的 load_demo）" if loader == "load_demo" else "冒烟：仅建一张表"
    pg, lite = f"PostgreSQL {times['postgresql']:.1f} s", f"SQLite {times['sqlite']:.1f} s"
    row("载入", what, pg, lite, ratio, "≤ 2x", ratio <= 2)


def prepare() -> None:
    """Schema, static files and the reference data and demo (the first time), then the nationwide dataset."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    from shidian.accounts.demo import load_demo_accounts
    from shidian.bootstrap import data
    from shidian.pilots.models import PilotArea

    if not PilotArea.objects.exists():
        start = time.perf_counter()
        if SMOKE:  # what the generator and the pages need, without the 40,000 divisions and the registry
            from shidian.accounts.services import ensure_base_organisations
            from shidian.indicators.services import load_catalogue
            from shidian.pilots.demo import load_registry
            from shidian.regions.services import load_provinces

            load_provinces()
            ensure_base_organisations()
            load_registry()
            load_catalogue()
            load_demo_accounts()
        else:
            data.load_reference()
            data.load_demo()
        print(f"  demo loaded in {time.perf_counter() - start:.1f} s", flush=True)


def main() -> int:
    env = environment()
    started = time.perf_counter()
    print(f"bench: SCALE={SCALE} duration={DURATION}s smoke={SMOKE}", flush=True)
    prepare()
    import nationwide

    dataset = nationwide.generate(SCALE)
    how = "generated with COPY" if dataset.generated else "reused"
    print(f"  dataset {how}: {dataset.units} units, {dataset.values} values in {dataset.seconds:.1f} s", flush=True)
    if wanted("demo"):
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
        print("== demo load", flush=True)
        bench_demo(env)
    if wanted("http"):
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
        print("== http", flush=True)
        bench_http(env)
    if wanted("rollups"):
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
        print("== rollups", flush=True)
        import rollups_bench

        for args in rollups_bench.run(dataset=dataset, smoke=SMOKE):
            row(*args)
    if wanted("evaluation"):
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
        print("== evaluation", flush=True)
        import evaluation_bench

        for args in evaluation_bench.run(smoke=SMOKE):
            row(*args)
    if wanted("import"):
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
        print("== import", flush=True)
        import import_bench

        for args in import_bench.run(dataset=dataset, smoke=SMOKE, env=env):
            row(*args)
    if wanted("documents"):
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
        print("== documents", flush=True)
        import documents_bench

        for args in documents_bench.run(smoke=SMOKE):
            row(*args)
    table = render(dataset)
    print(table)
    if not SMOKE:
        write_doc(table, dataset, time.perf_counter() - started)
    return 0


def bench_http(env: dict[str, str]) -> None:
    import http_bench

    results = http_bench.run(env=env, duration=DURATION, smoke=SMOKE)
    before = http_bench.run_before(env=env, duration=DURATION, smoke=SMOKE)
    base = results[0]
    row("HTTP", base.name, f"{base.rps:.0f} req/s, p95 {base.p95_ms:.0f} ms", "—", 1.0, "errors 0", base.errors == 0)
    for r in results[1:]:
        ratio = r.rps / base.rps
        goal = r.goal_ratio or 0
        met = ratio >= goal and r.p95_ms <= 200 and r.errors == 0
        measured = f"{r.rps:.0f} req/s, p50/p95/p99 {r.p50_ms:.0f}/{r.p95_ms:.0f}/{r.p99_ms:.0f} ms, err {r.errors}"
        row("HTTP", r.name, measured, f"{base.rps:.0f} req/s", ratio, f"≥ {goal:g}x, p95 ≤ 200 ms, err 0", met)
    # Before/after the kept page parts (findings 12 and 13), each page against its own server's baseline, same run.
    after = {r.name: r for r in results}
    for r in before[1:]:
        now = after[r.name]
        then_ratio, now_ratio = r.rps / before[0].rps, now.rps / base.rps
        now_text = f"之后 {now_ratio:.3f} 基准（p95 {now.p95_ms:.0f} ms）"
        then_text = f"之前 {then_ratio:.3f} 基准（p95 {r.p95_ms:.0f} ms）"
        name = f"{r.name}：每次访问都重新生成 → 保留至数据变动"
        row("HTTP 修复前后", name, now_text, then_text, now_ratio / then_ratio, "之后 > 之前", now_ratio > then_ratio)


def render(dataset: object) -> str:
    lines = [
        "| 部分 | 测量 | 结果 | 基准（同次运行） | 比值 | 目标 | 达标 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in ROWS:
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}"
        met = "—" if r.met is None or SMOKE else ("是" if r.met else "**否**")
        lines.append(f"| {r.section} | {r.name} | {r.measured} | {r.baseline} | {ratio} | {r.goal} | {met} |")
    return "\n".join(lines)


def versions() -> str:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.splitlines()
    import duckdb
    import gunicorn

    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL {pg}, "
        f"gunicorn {gunicorn.__version__}, {(wrk or ['wrk'])[0].split(' [')[0]}, DuckDB {duckdb.__version__}"
    )


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, load average {load[0]:.1f} at the end"


def write_doc(table: str, dataset: object, seconds: float) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    # A run of some sections only (BENCH_ONLY) gets a block of its own beside the full run's.
    tag = "bench:results" + (":" + ",".join(sorted(ONLY)) if ONLY else "")
    start, end = f"<!-- {tag} -->", f"<!-- /{tag} -->"
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    of = " of " + ", ".join(sorted(ONLY)) if ONLY else ""
    block = (
        f"{start}\n_Last `make bench` run{of}: {now}, SCALE={SCALE} ({getattr(dataset, 'units', 0):,} units, "
        f"{getattr(dataset, 'values', 0):,} values), wrk {DURATION} s per page, {seconds / 60:.0f} min in all._\n\n"
        f"- Machine: {machine()}\n- Versions: {versions()}\n\n{table}\n{end}"
    )
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"bench: written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    raise SystemExit(main())
