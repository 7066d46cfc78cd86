"""The API's rate limit counts in api.RateWindow now: the database cache's table (0002) goes.

Backwards this leaves the table out: with no database cache configured, 0002 has nothing to make either.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("api", "0003_token_rate_windows")]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS shidian_cache", migrations.RunSQL.noop, elidable=False)]
