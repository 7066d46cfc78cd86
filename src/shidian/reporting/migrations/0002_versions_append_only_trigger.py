"""On PostgreSQL, refuse UPDATE and DELETE of submitted report versions in the database itself."""

from django.db import migrations

TABLES = ["reporting_pilotreportversion", "reporting_provincereportversion"]

FUNCTION = """
CREATE OR REPLACE FUNCTION reporting_version_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'submitted report versions are immutable (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER {table}_immutable
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION reporting_version_refuse_change();
"""
DROP_TRIGGER = "DROP TRIGGER IF EXISTS {table}_immutable ON {table};"
DROP_FUNCTION = "DROP FUNCTION IF EXISTS reporting_version_refuse_change();"


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        for table in TABLES:
            schema_editor.execute(TRIGGER.format(table=table))


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(DROP_TRIGGER.format(table=table))
        schema_editor.execute(DROP_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_reporting_rounds_reports_versions_copies")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
