"""Fill the indicator roll-ups from the values already stored (data only; the table is 0006's)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from shidian.indicators import aggregates  # plain SQL over the tables as they are at this migration

    aggregates.rebuild(schema_editor.connection)


def empty(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DELETE FROM indicators_indicatorrollup")


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_add_indicator_rollups")]

    operations = [migrations.RunPython(fill, empty)]
