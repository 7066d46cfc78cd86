"""The maintained round completeness (``RoundCompleteness``): one row per round, province and batch.

A row counts the pilots of its province and batch, those in the programme on the round's pilot due date
(expected), those of them whose report has a submitted version (submitted) and whose first version was late
(late), and those in the programme on the province due date (a province with any reports in that round).
None of these depend on the day they are read: what does (waiting or missing, whether a round is counted
yet) follows from the counts and the round's dates. A first submission, a pilot admitted or changing status,
a round opened or its due dates moved change them; each of those services calls ``refresh`` inside its own
transaction, which recomputes the touched (round, province) groups from the pilots' history and reports in
two statements (a DELETE and an INSERT ... SELECT ... GROUP BY), so a row is always exactly what a scan
would give. Returning or accepting a report changes no count (the first version's lateness is written
once). ``rebuild`` recomputes the whole table (after a COPY, for operations:
``manage.py rebuild_round_completeness``). The SQL is the same on PostgreSQL and SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from shidian.reporting.selectors.access import REPORTING_STATUSES

TABLE = "reporting_roundcompleteness"
COLUMNS = "round_id, province_id, batch_id, pilots, expected, submitted, late, expected_at_province_due"
_REPORTING = ", ".join(f"'{status}'" for status in sorted(REPORTING_STATUSES))


def _status_on(due: str) -> str:
    """A pilot's status on the round's ``due`` date: its last change effective by then (None before admission)."""
    return (
        "(SELECT c.to_status FROM pilots_pilotstatuschange c "  # noqa: S608 - constant text only
        f"WHERE c.pilot_id = p.id AND c.effective_on <= r.{due} ORDER BY c.effective_on DESC, c.id DESC LIMIT 1)"
    )


_FIRST_LATE = (
    "(SELECT v.is_late FROM reporting_pilotreport rep JOIN reporting_pilotreportversion v ON v.report_id = rep.id "
    "WHERE rep.pilot_id = p.id AND rep.round_id = r.id ORDER BY v.number LIMIT 1)"
)
_FACTS = (
    f"SELECT r.id AS round_id, p.province_id AS province_id, p.batch_id AS batch_id, "  # noqa: S608
    f"{_status_on('pilot_due')} AS at_pilot_due, {_status_on('province_due')} AS at_province_due, "
    f"{_FIRST_LATE} AS first_late "
    "FROM pilots_pilotarea p CROSS JOIN reporting_reportinground r "
)
_EXPECTED = f"t.at_pilot_due IN ({_REPORTING})"
_SELECT = (
    "SELECT t.round_id, t.province_id, t.batch_id, COUNT(*), "
    f"SUM(CASE WHEN {_EXPECTED} THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN {_EXPECTED} AND t.first_late IS NOT NULL THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN {_EXPECTED} AND t.first_late THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN t.at_province_due IN ({_REPORTING}) THEN 1 ELSE 0 END) "
)
_GROUP = "GROUP BY t.round_id, t.province_id, t.batch_id"


def _marks(n: int) -> str:
    return ", ".join(["%s"] * n)


def _recompute(conn: BaseDatabaseWrapper, round_ids: list[int] | None, province_ids: list[int] | None) -> int:
    where, params = [], []
    facts_where = []
    if round_ids is not None:
        where.append(f"round_id IN ({_marks(len(round_ids))})")
        facts_where.append(f"r.id IN ({_marks(len(round_ids))})")
        params.extend(round_ids)
    if province_ids is not None:
        where.append(f"province_id IN ({_marks(len(province_ids))})")
        facts_where.append(f"p.province_id IN ({_marks(len(province_ids))})")
        params.extend(province_ids)
    delete_where = f" WHERE {' AND '.join(where)}" if where else ""
    facts = _FACTS + (f"WHERE {' AND '.join(facts_where)}" if facts_where else "")
    # Only placeholders and the module's constant text go into the statements below (hence the noqa).
    with transaction.atomic(using=conn.alias, savepoint=False), conn.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}{delete_where}", params)  # noqa: S608
        cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {_SELECT}FROM ({facts}) t {_GROUP}", params)
        return int(cursor.rowcount)


def refresh(*, round_ids: Iterable[int] | None = None, province_ids: Iterable[int] | None = None) -> int:
    """Recompute the rows of ``round_ids`` (every round if None) in ``province_ids`` (every province if None).

    Call it inside the transaction of the write, after the write; return the rows written.
    """
    rounds = sorted(set(round_ids)) if round_ids is not None else None
    provinces = sorted(set(province_ids)) if province_ids is not None else None
    if rounds == [] or provinces == []:
        return 0
    return _recompute(connection, rounds, provinces)


def refresh_pilot(*, province_id: int, since: dt.date | None = None) -> int:
    """Recompute a province's rows in the rounds a pilot's status change ``since`` that day can touch."""
    from shidian.reporting.models import ReportingRound

    rounds = ReportingRound.objects.all()
    if since is not None:  # a status effective after both due dates of a round changes nothing in it
        rounds = rounds.filter(province_due__gte=since)
    return refresh(round_ids=list(rounds.values_list("pk", flat=True)), province_ids=[province_id])


def rebuild(conn: BaseDatabaseWrapper | None = None) -> int:
    """Recompute every row from the pilots' history and reports; return the rows.

    Plain SQL only, so that a data migration can run it with its own connection.
    """
    conn = conn or connection
    with transaction.atomic(using=conn.alias):
        return _recompute(conn, None, None)
