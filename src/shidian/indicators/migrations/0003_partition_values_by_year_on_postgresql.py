"""Turn indicators_indicatorvalue into a table partitioned by year on PostgreSQL (a no-op elsewhere).

Declarative range partitioning, one partition per year 2010-2040 plus a default partition
(docs/indicators.md). The rows, check and foreign-key constraints and every index are carried over from
the plain table by introspection, so the model stays the single description of the schema; the primary
key becomes (id, year) because a partitioned table's unique keys must include the partition key (the
unique constraints of the model already include ``year``). Reversible: the reverse builds the plain
table again.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "indicators_indicatorvalue"
FIRST_YEAR, LAST_YEAR = 2010, 2040


def _definitions(cursor: Any, table: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Constraints (name, type, definition) other than CHECK, and index definitions not backing them."""
    cursor.execute(
        """
        SELECT conname, contype, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype, conname
        """,
        [table],
    )
    constraints = [(name, kind, definition) for name, kind, definition in cursor.fetchall()]
    cursor.execute(
        """
        SELECT pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
        ORDER BY 1
        """,
        [table],
    )
    indexes = [row[0] for row in cursor.fetchall()]
    return constraints, indexes


def _rebuild(schema_editor: Any, *, partitioned: bool) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    old = f"{TABLE}_old"
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE])
        is_partitioned = cursor.fetchone()[0] == "p"
        if is_partitioned == partitioned:
            return
        constraints, indexes = _definitions(cursor, TABLE)
        cursor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{old}"')
        clause = " PARTITION BY RANGE (year)" if partitioned else ""
        cursor.execute(
            f'CREATE TABLE "{TABLE}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS '
            f"INCLUDING STORAGE INCLUDING COMMENTS){clause}"
        )
        if partitioned:
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                cursor.execute(
                    f'CREATE TABLE "{TABLE}_y{year}" PARTITION OF "{TABLE}" FOR VALUES FROM ({year}) TO ({year + 1})'
                )
            cursor.execute(f'CREATE TABLE "{TABLE}_default" PARTITION OF "{TABLE}" DEFAULT')
        cursor.execute(f'INSERT INTO "{TABLE}" SELECT * FROM "{old}"')  # noqa: S608  (constant names)
        cursor.execute(f'DROP TABLE "{old}"')
        for name, kind, definition in constraints:
            if kind == "p":
                definition = "PRIMARY KEY (id, year)" if partitioned else "PRIMARY KEY (id)"
            cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{name}" {definition}')
        for definition in indexes:
            cursor.execute(definition)  # read before the rename: it names the new table
        next_id = f'COALESCE((SELECT MAX(id) FROM "{TABLE}"), 0) + 1'  # noqa: S608  (constant names)
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), {next_id}, false)")


def partition(apps: Any, schema_editor: Any) -> None:
    _rebuild(schema_editor, partitioned=True)


def unpartition(apps: Any, schema_editor: Any) -> None:
    _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):
    # DDL and the data copy in one transaction: PostgreSQL runs it atomically.
    dependencies = [("indicators", "0002_value_keys_include_partition_year")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
