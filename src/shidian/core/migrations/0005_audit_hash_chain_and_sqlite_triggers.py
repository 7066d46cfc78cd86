"""Chain audit events by hash (back-filling any existing ones) and, on SQLite, refuse UPDATE and DELETE."""

from django.db import migrations, models
from django.utils import timezone

from shidian.core.audit_hash import GENESIS, HASHED_FIELDS, event_hash

SQLITE_CREATE = [
    f"""CREATE TRIGGER core_auditevent_no_{op.lower()} BEFORE {op} ON core_auditevent
    WHEN shidian_audit_guard()
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only ({op} refused)'); END"""
    for op in ("UPDATE", "DELETE")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS core_auditevent_no_{op}" for op in ("update", "delete")]


def backfill_chain(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    db = schema_editor.connection.alias
    postgres = schema_editor.connection.vendor == "postgresql"
    if not AuditEvent.objects.using(db).exists():
        return
    if postgres:
        schema_editor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
    prev = GENESIS
    for row in AuditEvent.objects.using(db).order_by("id").values("id", *HASHED_FIELDS).iterator():
        digest = event_hash(prev_hash=prev, fields=row)
        AuditEvent.objects.using(db).filter(pk=row["id"]).update(prev_hash=prev, hash=digest)
        prev = digest
    if postgres:
        schema_editor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql)


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_document_numbers")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="前一事件哈希"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="事件哈希"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="occurred_at",
            field=models.DateTimeField(db_index=True, default=timezone.now, verbose_name="时间"),
        ),
        migrations.RunPython(backfill_chain, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers, elidable=False),
    ]
