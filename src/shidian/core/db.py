"""Database housekeeping shared by the loaders: planner statistics after bulk writes."""

from __future__ import annotations

from django.apps import apps
from django.db import connection


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
