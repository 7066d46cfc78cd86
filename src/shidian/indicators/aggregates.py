"""The incrementally maintained roll-ups (``IndicatorRollup``): one row per indicator, period and province.

Every service that writes values calls ``refresh`` with the keys it wrote, inside its own transaction: the
(indicator, period, province) groups those keys fall in are recomputed from the values table in two
statements per chunk of groups (a DELETE and an INSERT ... SELECT ... GROUP BY), so a group is always
exactly what a scan of its current reported values would give, whatever kind of write touched it (a new
value, a new version, a withdrawal, a submission). ``rebuild`` recomputes the whole table (after a COPY,
for operations: ``manage.py rebuild_indicator_rollups``). The SQL is the same on PostgreSQL and SQLite
(row values, ``IN (VALUES ...)``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from shidian.indicators.models import REPORTED, Indicator
from shidian.pilots.models import PilotArea

ValueKey = tuple[int, int, str]  # (pilot id, indicator id, period code) of a value written
Group = tuple[int, str, int]  # (indicator id, period code, province id) of a roll-up row
CHUNK = 10_000  # groups per statement: 3 parameters each, under SQLite's 32,766 (one statement per write chunk)

TABLE = "indicators_indicatorrollup"
COLUMNS = (
    "indicator_id, period, province_id, areas, total, minimum, maximum, weighted_areas, weighted_total, weight_total"
)
_REPORTED = ", ".join(f"'{status}'" for status in REPORTED)
# A weight counts where the weight indicator's current reported value for the same pilot and period is > 0.
_WEIGHT = (
    "LEFT JOIN indicators_indicatorvalue w ON w.pilot_id = v.pilot_id AND w.indicator_id = i.weight_indicator_id "
    f"AND w.period = v.period AND w.year = v.year AND w.is_current AND w.status IN ({_REPORTED}) AND w.value > 0"
)
_PLAIN_SELECT = (
    "SELECT v.indicator_id, v.period, p.province_id, COUNT(*), SUM(v.value), MIN(v.value), MAX(v.value), 0, 0, 0 "
    "FROM indicators_indicatorvalue v JOIN pilots_pilotarea p ON p.id = v.pilot_id "
    "JOIN indicators_indicator i ON i.id = v.indicator_id "
)
_WEIGHTED_SELECT = (
    "SELECT v.indicator_id, v.period, p.province_id, COUNT(*), SUM(v.value), MIN(v.value), MAX(v.value), "  # noqa: S608
    "COUNT(w.value), COALESCE(SUM(v.value * w.value), 0), COALESCE(SUM(w.value), 0) "
    "FROM indicators_indicatorvalue v JOIN pilots_pilotarea p ON p.id = v.pilot_id "
    f"JOIN indicators_indicator i ON i.id = v.indicator_id {_WEIGHT} "
)
_WHERE = f"WHERE v.is_current AND v.status IN ({_REPORTED}) "
_GROUP = "GROUP BY v.indicator_id, v.period, p.province_id"


def _province_of(pilot_ids: set[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    ids = sorted(pilot_ids)
    for start in range(0, len(ids), 30_000):
        found.update(PilotArea.objects.filter(pk__in=ids[start : start + 30_000]).values_list("pk", "province_id"))
    return found


def _weighing() -> dict[int, list[int]]:
    """Weight indicator id → the indicators weighted by it."""
    weighing: dict[int, list[int]] = defaultdict(list)
    for pk, weight_id in Indicator.objects.filter(weight_indicator__isnull=False).values_list(
        "pk", "weight_indicator_id"
    ):
        weighing[weight_id].append(pk)
    return weighing


def groups_of(keys: Iterable[ValueKey], weighing: dict[int, list[int]]) -> set[Group]:
    """The roll-up groups that values at ``keys`` count in, and those of the weighted means they weigh."""
    pairs = set(keys)
    if not pairs:
        return set()
    province = _province_of({pilot_id for pilot_id, _i, _p in pairs})
    groups = {(indicator_id, period, province[pilot_id]) for pilot_id, indicator_id, period in pairs}
    groups |= {(user, period, prov) for indicator_id, period, prov in list(groups) for user in weighing[indicator_id]}
    return groups


def refresh(keys: Iterable[ValueKey]) -> int:
    """Recompute the roll-ups that the values written at ``keys`` count in; return how many groups.

    Call it inside the transaction of the write, after the write.
    """
    keys = set(keys)
    if not keys:
        return 0
    weighing = _weighing()
    groups = groups_of(keys, weighing)
    weighted = {pk for users in weighing.values() for pk in users}
    with transaction.atomic(savepoint=False):
        _recompute(connection, sorted(groups), weighted)
    return len(groups)


def _marks(n: int, row: str = "%s") -> str:
    return ", ".join([row] * n)


def _recompute(conn: BaseDatabaseWrapper, groups: Sequence[Group], weighted: set[int]) -> None:
    # Only placeholders and the module's constant text go into the statements below (hence the noqa).
    with conn.cursor() as cursor:
        for start in range(0, len(groups), CHUNK):
            chunk = groups[start : start + CHUNK]
            params: list[Any] = [x for group in chunk for x in group]
            delete = f"DELETE FROM {TABLE} WHERE (indicator_id, period, province_id) IN (VALUES {_marks(len(chunk), '(%s, %s, %s)')})"  # noqa: S608,E501
            cursor.execute(delete, params)
            for select, part in (
                (_PLAIN_SELECT, [g for g in chunk if g[0] not in weighted]),
                (_WEIGHTED_SELECT, [g for g in chunk if g[0] in weighted]),
            ):
                if not part:
                    continue
                indicators = sorted({g[0] for g in part})
                periods = sorted({g[1] for g in part})
                years = sorted({int(code[:4]) for code in periods})  # the partitions to read on PostgreSQL
                narrow = (
                    f"AND v.indicator_id IN ({_marks(len(indicators))}) AND v.period IN ({_marks(len(periods))}) "
                    f"AND v.year IN ({_marks(len(years))}) "
                    f"AND (v.indicator_id, v.period, p.province_id) IN (VALUES {_marks(len(part), '(%s, %s, %s)')}) "
                )
                cursor.execute(
                    f"INSERT INTO {TABLE} ({COLUMNS}) {select}{_WHERE}{narrow}{_GROUP}",
                    [*indicators, *periods, *years, *(x for group in part for x in group)],
                )


def rebuild(conn: BaseDatabaseWrapper | None = None, *, indicator_ids: Iterable[int] | None = None) -> int:
    """Recompute every roll-up (or those of ``indicator_ids``) from the values table; return the rows.

    Plain SQL only, so that a data migration can run it with its own connection.
    """
    conn = conn or connection
    only = sorted(set(indicator_ids)) if indicator_ids is not None else None
    where, params = "", []
    if only is not None:
        if not only:
            return 0
        where = f"AND v.indicator_id IN ({_marks(len(only))}) "
        params = list(only)
    # Only placeholders and the module's constant text go into the statements below (hence the noqa).
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        if only is None:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        else:
            cursor.execute(f"DELETE FROM {TABLE} WHERE indicator_id IN ({_marks(len(only))})", only)  # noqa: S608
        plain = f"INSERT INTO {TABLE} ({COLUMNS}) {_PLAIN_SELECT}{_WHERE}AND i.weight_indicator_id IS NULL "
        cursor.execute(f"{plain}{where}{_GROUP}", params)
        weighted = f"INSERT INTO {TABLE} ({COLUMNS}) {_WEIGHTED_SELECT}{_WHERE}AND i.weight_indicator_id IS NOT NULL "
        cursor.execute(f"{weighted}{where}{_GROUP}", params)
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608
        return int(cursor.fetchone()[0])
