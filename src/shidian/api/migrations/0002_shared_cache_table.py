"""The table of the shared database cache (settings.CACHES["shared"]) that counts API calls per token.

``createcachetable`` is not part of ``migrate``; making the table here keeps one deployment step, and the
app role gets its grants with the other tables after ``migrate`` (core/database.py).
"""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS shidian_cache")


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_tokens")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
