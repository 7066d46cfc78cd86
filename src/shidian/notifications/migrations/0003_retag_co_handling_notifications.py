"""Give the co-handling notifications stored before the 协办事项 kind existed that kind.

They were derived from ``exchange.difficulty.raised`` as 通知与指导; the lead's are 待审核 and stay so. A user who
had turned off e-mail for 通知与指导 got none for co-handling either, so that choice is carried over.
"""

from django.db import migrations

RAISED = "exchange.difficulty.raised"


def retag(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    EmailPreference = apps.get_model("notifications", "EmailPreference")
    Notification.objects.filter(kind="notice", event__action=RAISED).update(kind="co_handling")
    for user_id in EmailPreference.objects.filter(kind="notice", email=False).values_list("user_id", flat=True):
        EmailPreference.objects.get_or_create(user_id=user_id, kind="co_handling", defaults={"email": False})


def untag(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    EmailPreference = apps.get_model("notifications", "EmailPreference")
    Notification.objects.filter(kind="co_handling").update(kind="notice")
    EmailPreference.objects.filter(kind="co_handling").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_add_co_handling_kind"),
    ]

    operations = [migrations.RunPython(retag, untag)]
