"""Database housekeeping shared by the loaders: planner statistics after bulk writes, rows written in bulk."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, models


def analyze(*app_labels: str) -> None:
    """Refresh the planner's statistics for the tables of these apps (all of Shidian's when none are named).

    PostgreSQL plans from statistics that autovacuum gathers only later; right after a bulk load (the demo,
    an import, a test fixture) it would otherwise believe the tables empty and nest loops over whole index
    scans (issue 11: one demo query ran for ten minutes). ANALYZE inside a transaction counts the rows that
    transaction wrote, so this also helps a test that loads the demo. SQLite's ANALYZE feeds its planner too.
    """
    labels = set(app_labels)
    tables = [
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model.__module__.startswith("shidian.")
        and (not labels or model._meta.app_label in labels)
    ]
    with connection.cursor() as cursor:
        for table in sorted(set(tables)):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _column(field: models.Field[Any, Any] | models.ForeignObjectRel) -> str:
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise ValueError(f"{field} has no column of its own")
    return column


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain rows into ``model``'s table in one statement: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

    The values go to the database as they are, without the fields' conversions: a JSON column takes its text
    (serialised once by the caller), a decimal a Decimal. For large result sets written once by a service (an
    evaluation run's results with their breakdowns), where building model instances and adapting every JSON
    value on its own costs more than the write itself. No signals, no ``save()``; the caller owns the atomicity.
    """
    opts = model._meta
    table = connection.ops.quote_name(opts.db_table)
    columns = ", ".join(connection.ops.quote_name(_column(opts.get_field(name))) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(rows))  # noqa: S608


# Large binary fields (an uploaded file) pass between Django and PostgreSQL as hex text: Django's client-side
# cursors write a bytea as a quoted literal and read it in the text format, so the process holds several
# copies of the file at once (issue 16: importing a 68 MB file cost over 400 MB before a row was read). These
# two move one field of one row in the binary format instead, through a psycopg cursor of its own (server-side
# binding) on Django's connection and transaction; elsewhere they are the ORM's update and read.


def _binary_target(model: type[models.Model], field: str) -> tuple[str, str, str]:
    opts = model._meta
    quote = connection.ops.quote_name
    return quote(opts.db_table), quote(_column(opts.get_field(field))), quote(_column(opts.pk))


def write_bytes(model: type[models.Model], pk: object, field: str, data: bytes) -> None:
    """Store ``data`` in one binary field of one row (the row must exist)."""
    if connection.vendor != "postgresql":
        model._default_manager.filter(pk=pk).update(**{field: data})
        return
    import psycopg

    table, column, key = _binary_target(model, field)
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as raw:
        raw.execute(f"UPDATE {table} SET {column} = %b WHERE {key} = %s", [data, pk])  # noqa: S608


def read_bytes(model: type[models.Model], pk: object, field: str) -> bytes:
    """One binary field of one row; ``ObjectDoesNotExist`` if there is no such row."""
    if connection.vendor != "postgresql":
        return bytes(model._default_manager.filter(pk=pk).values_list(field, flat=True).get())
    import psycopg

    table, column, key = _binary_target(model, field)
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as raw:
        raw.execute(f"SELECT {column} FROM {table} WHERE {key} = %s", [pk], binary=True)  # noqa: S608
        row = raw.fetchone()
    if row is None:
        raise ObjectDoesNotExist(f"{model._meta.label} {pk}")
    return bytes(row[0])
