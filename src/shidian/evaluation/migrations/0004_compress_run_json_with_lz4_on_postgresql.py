"""Compress a run's two JSON columns with lz4 on PostgreSQL (a no-op elsewhere).

A run writes its inputs snapshot (~3.5 MB at SCALE=0.02) and every result's breakdown (~4.7 MB) once, and
TOAST compresses them with pglz by default; lz4 compresses the same text faster: the run's store took 0.52-0.60 s
instead of 0.69-0.77 s (docs/benchmarks.md, finding 8). Values already stored keep their compression until
rewritten.
A server built without lz4 refuses the method: then the columns stay as they are.
"""

from __future__ import annotations

from typing import Any

from django.db import NotSupportedError, migrations, transaction

COLUMNS = (("evaluation_run", "inputs"), ("evaluation_result", "breakdown"))


def _compression(schema_editor: Any, method: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):  # a savepoint: a refusal leaves the rest
            for table, column in COLUMNS:
                schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION {method}')
    except NotSupportedError:
        return


def lz4(apps: Any, schema_editor: Any) -> None:
    _compression(schema_editor, "lz4")


def default(apps: Any, schema_editor: Any) -> None:
    _compression(schema_editor, "default")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0003_bulletin_issued_with_assigned_numbers"),
    ]

    operations = [migrations.RunPython(lz4, default, elidable=False)]
