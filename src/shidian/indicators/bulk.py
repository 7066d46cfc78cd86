"""Set-based writes of many indicator values at once (the API push): the same rules as ``services._write_value``.

Why a second path: the one-value path locks, reads and writes each row and records an event per value, so
10,000 pushed values cost tens of thousands of queries. Here the current versions of every touched key are
read in one locked query, and drafts, superseded versions, new versions and the computed indicators are
written in a few bulk statements whose number does not grow with the rows (only with ``BATCH`` chunks).
The rules are those of the one-value path: a draft is updated in place, a submitted or accepted value gets a
new version, an unchanged value is left alone, a computed value takes the weakest status of its inputs.

On PostgreSQL the rows do not pass through model instances at all (``_apply_staged``): a chunk is copied
into a temporary table with ``COPY``, the current versions it touches are locked, and the drafts, superseded
versions and new versions are written by three statements joined to it (issue 16: the ORM path spent most
of an import building instances and 2,000-row statements). SQLite keeps the ORM path; the tests run the
same cases on both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from shidian.accounts.models import User
from shidian.core import clock
from shidian.core.periods import Period
from shidian.indicators import aggregates, formulas
from shidian.indicators.models import ImportJob, Indicator, IndicatorValue, PeriodType, ValueSource, ValueStatus

BATCH = 2000
_STATUS_RANK: dict[str, int] = {ValueStatus.DRAFT: 0, ValueStatus.SUBMITTED: 1, ValueStatus.ACCEPTED: 2}


@dataclass(frozen=True)
class BulkValue:
    pilot_id: int
    indicator: Indicator
    period: Period
    value: Decimal
    note: str = ""


@dataclass(frozen=True)
class BulkResult:
    written: int
    updated_drafts: int
    new_versions: int
    computed: int


Key = tuple[int, int, str]


def _current_of(keys: Iterable[Key]) -> dict[Key, IndicatorValue]:
    """The current versions of ``keys``, locked, in one query (bounded by the pilots, indicators and periods)."""
    keys = set(keys)
    if not keys:
        return {}
    pilots = {k[0] for k in keys}
    indicators = {k[1] for k in keys}
    periods = {k[2] for k in keys}
    rows = IndicatorValue.objects.select_for_update().filter(
        is_current=True, pilot_id__in=pilots, indicator_id__in=indicators, period__in=periods
    )
    return {(v.pilot_id, v.indicator_id, v.period): v for v in rows if (v.pilot_id, v.indicator_id, v.period) in keys}


def _apply(*, values: Sequence[tuple[BulkValue, str]], source: str, by: User, job: ImportJob | None) -> tuple[int, int]:
    """Write ``(value, status)`` pairs as the one-value path would; return (drafts updated, versions added)."""
    if not values:
        return 0, 0
    if connection.vendor == "postgresql":
        return _apply_staged(values=values, source=source, by=by, job=job)
    current = _current_of((v.pilot_id, v.indicator.pk, v.period.code) for v, _status in values)
    now = clock.now()
    drafts: list[IndicatorValue] = []
    superseded: list[int] = []
    created: list[IndicatorValue] = []
    for item, status in values:
        existing = current.get((item.pilot_id, item.indicator.pk, item.period.code))
        submitted_at = now if status == ValueStatus.SUBMITTED else None
        if existing is not None and existing.status == ValueStatus.DRAFT:
            if existing.value == item.value and status == ValueStatus.DRAFT:
                continue
            existing.value, existing.status, existing.source = item.value, status, source
            existing.entered_by, existing.submitted_at, existing.import_job = by, submitted_at, job
            drafts.append(existing)
            continue
        if existing is not None and existing.value == item.value:
            continue  # submitted or accepted with the same value: nothing to correct
        version = 1
        if existing is not None:
            superseded.append(existing.pk)
            version = existing.version + 1
        created.append(
            IndicatorValue(
                pilot_id=item.pilot_id,
                indicator=item.indicator,
                period=item.period.code,
                year=item.period.year,
                value=item.value,
                status=status,
                source=source,
                version=version,
                is_current=True,
                entered_by=by,
                submitted_at=submitted_at,
                import_job=job,
                note=item.note,
            )
        )
    if drafts:
        IndicatorValue.objects.bulk_update(
            drafts, ["value", "status", "source", "entered_by", "submitted_at", "import_job"], batch_size=BATCH
        )
    for start in range(0, len(superseded), BATCH):
        IndicatorValue.objects.filter(pk__in=superseded[start : start + BATCH]).update(is_current=False)
    IndicatorValue.objects.bulk_create(created, batch_size=BATCH)
    return len(drafts), len(created)


# The staging table of ``_apply_staged``: one per connection, emptied at the start of every chunk and at commit.
STAGE = "shidian_bulk_values"
_STAGE_TABLE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS shidian_bulk_values (pilot_id bigint NOT NULL, "
    "indicator_id bigint NOT NULL, period varchar(7) NOT NULL, year smallint NOT NULL, value numeric(20, 6) NOT NULL, "
    "note varchar(200) NOT NULL, status varchar(10) NOT NULL, "
    "cur_id bigint, cur_version integer, cur_status varchar(10), cur_value numeric(20, 6)) ON COMMIT DELETE ROWS"
)
_STAGED_STATEMENTS = (
    # Lock the current versions of the staged keys (a concurrent writer of the same keys waits here) ...
    "SELECT COUNT(*) FROM (SELECT v.id FROM indicators_indicatorvalue v JOIN shidian_bulk_values s "
    "ON v.pilot_id = s.pilot_id AND v.indicator_id = s.indicator_id AND v.period = s.period AND v.year = s.year "
    "WHERE v.is_current ORDER BY v.id FOR UPDATE OF v) locked",
    # ... then read them, in a statement of its own so that it sees what such a writer committed.
    "UPDATE shidian_bulk_values s SET cur_id = v.id, cur_version = v.version, cur_status = v.status, "
    "cur_value = v.value FROM indicators_indicatorvalue v WHERE v.pilot_id = s.pilot_id "
    "AND v.indicator_id = s.indicator_id AND v.period = s.period AND v.year = s.year AND v.is_current",
    # A draft is updated in place, unless it stays a draft with the same value.
    "UPDATE indicators_indicatorvalue v SET value = s.value, status = s.status, source = %(source)s, "
    "entered_by_id = %(by)s, import_job_id = %(job)s, "
    "submitted_at = CASE WHEN s.status = 'submitted' THEN %(now)s::timestamptz END "
    "FROM shidian_bulk_values s WHERE v.id = s.cur_id AND v.year = s.year AND s.cur_status = 'draft' "
    "AND NOT (s.cur_value = s.value AND s.status = 'draft')",
    # A submitted or accepted value with another value is superseded ...
    "UPDATE indicators_indicatorvalue v SET is_current = false FROM shidian_bulk_values s "
    "WHERE v.id = s.cur_id AND v.year = s.year AND s.cur_status <> 'draft' AND s.cur_value <> s.value",
    # ... by a new version, as is a key that had none.
    "INSERT INTO indicators_indicatorvalue (pilot_id, indicator_id, period, year, value, status, source, version, "
    "is_current, note, entered_by_id, entered_at, submitted_at, import_job_id) "
    "SELECT s.pilot_id, s.indicator_id, s.period, s.year, s.value, s.status, %(source)s, "
    "COALESCE(s.cur_version, 0) + 1, true, s.note, %(by)s, %(now)s, "
    "CASE WHEN s.status = 'submitted' THEN %(now)s::timestamptz END, %(job)s FROM shidian_bulk_values s "
    "WHERE s.cur_id IS NULL OR (s.cur_status <> 'draft' AND s.cur_value <> s.value)",
)


def _apply_staged(
    *, values: Sequence[tuple[BulkValue, str]], source: str, by: User, job: ImportJob | None
) -> tuple[int, int]:
    """``_apply`` on PostgreSQL: ``COPY`` into the staging table, then the statements above; the same rules."""
    params: dict[str, Any] = {
        "source": source,
        "by": by.pk,
        "job": job.pk if job is not None else None,
        "now": clock.now(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_STAGE_TABLE)
        cursor.execute("TRUNCATE shidian_bulk_values")
        columns = "pilot_id, indicator_id, period, year, value, note, status"
        with cursor.cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
            for item, status in values:
                period = item.period
                copy.write_row(
                    (item.pilot_id, item.indicator.pk, period.code, period.year, item.value, item.note, status)
                )
        cursor.execute("ANALYZE shidian_bulk_values")  # the planner's row count for the joins below
        counts = []
        for statement in _STAGED_STATEMENTS:
            cursor.execute(statement, params if "%(" in statement else None)
            counts.append(cursor.rowcount)
    return counts[2], counts[4]


def _recomputed(*, written: Sequence[BulkValue], by: User) -> list[tuple[BulkValue, str]]:
    """The computed values of the touched (pilot, period) pairs that differ from what is stored.

    Only a pair where a written value is an input of some formula can change, and only the formulas' inputs
    and results are read (an import of indicators that feed no formula reads nothing here).
    """
    computed = {i.code: i for i in Indicator.objects.active().exclude(formula="")}
    if not computed:
        return []
    order = formulas.evaluation_order({code: i.formula for code, i in computed.items()})
    trees = {code: formulas.parse(computed[code].formula) for code in order}
    inputs = set().union(*(formulas.references(tree) for tree in trees.values()))
    pairs = {(v.pilot_id, v.period.code) for v in written if v.indicator.code in inputs}
    if not pairs:
        return []
    stored: dict[tuple[int, str], dict[str, tuple[Decimal, str]]] = {pair: {} for pair in pairs}
    rows = IndicatorValue.objects.filter(
        is_current=True,
        pilot_id__in={p for p, _ in pairs},
        period__in={c for _, c in pairs},
        indicator__code__in=inputs | computed.keys(),
    ).values_list("pilot_id", "period", "indicator__code", "value", "status")
    for pilot_id, period_code, code, value, status in rows:
        if (pilot_id, period_code) in stored:
            stored[(pilot_id, period_code)][code] = (value, status)
    out: list[tuple[BulkValue, str]] = []
    for (pilot_id, period_code), current in sorted(stored.items()):
        period = Period.parse(period_code)
        period_type = PeriodType.YEAR if period.is_year else PeriodType.HALF_YEAR
        values: dict[str, Decimal | None] = {code: v for code, (v, _s) in current.items()}
        statuses: dict[str, str] = {code: s for code, (_v, s) in current.items()}
        for code in order:
            indicator = computed[code]
            if indicator.period_type != period_type:
                continue
            result = formulas.evaluate(trees[code], values)
            if result.value is None:
                continue
            feeding = formulas.references(trees[code])
            status = min((statuses.get(c, ValueStatus.DRAFT) for c in feeding), key=lambda s: _STATUS_RANK[s])
            value = result.value.quantize(Decimal(1).scaleb(-indicator.decimals))
            before = current.get(code)
            values[code], statuses[code] = value, status
            if before is not None and before[0] == value:
                continue  # unchanged; its status moves with the inputs through the submit and accept services
            out.append((BulkValue(pilot_id=pilot_id, indicator=indicator, period=period, value=value), status))
    return out


@transaction.atomic
def write_values(
    *, values: Sequence[BulkValue], status: str, source: str, by: User, job: ImportJob | None
) -> BulkResult:
    """Write ``values`` with ``status`` and ``source``, then store the computed indicators they change.

    The caller has validated every value and records the audit event (one for the job, as for a file).
    """
    drafts, versions = _apply(values=[(v, status) for v in values], source=source, by=by, job=job)
    derived = _recomputed(written=values, by=by)
    computed_drafts, computed_versions = _apply(values=derived, source=ValueSource.COMPUTED, by=by, job=None)
    aggregates.refresh((v.pilot_id, v.indicator.pk, v.period.code) for v in [*values, *(d for d, _s in derived)])
    return BulkResult(
        written=drafts + versions,
        updated_drafts=drafts,
        new_versions=versions,
        computed=computed_drafts + computed_versions,
    )
