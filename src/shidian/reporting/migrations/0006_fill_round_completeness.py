"""Fill the round completeness from the pilots' history and the reports already stored (data only; 0005's table)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from shidian.reporting import aggregates  # plain SQL over the tables as they are at this migration

    aggregates.rebuild(schema_editor.connection)


def empty(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DELETE FROM reporting_roundcompleteness")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0005_add_round_completeness")]

    operations = [migrations.RunPython(fill, empty)]
