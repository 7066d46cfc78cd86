"""Link the files sent with an answer before DifficultyFile.reply existed to that answer.

An answer's files are stored in the same transaction right after its reply, by the same person; the raiser's
files come before any reply. So a file goes with the latest answer of its item written by its uploader no later
than the file. Reversing leaves the links (the field's own migration drops them).
"""

from django.db import migrations


def link(apps, schema_editor):
    DifficultyFile = apps.get_model("exchange", "DifficultyFile")
    Reply = apps.get_model("exchange", "Reply")
    for stored in DifficultyFile.objects.filter(reply__isnull=True).only(
        "pk", "difficulty_id", "uploaded_by_id", "uploaded_at"
    ):
        answer = (
            Reply.objects.filter(
                difficulty_id=stored.difficulty_id,
                kind="answer",
                author_id=stored.uploaded_by_id,
                created_at__lte=stored.uploaded_at,
            )
            .order_by("-created_at", "-id")
            .first()
        )
        if answer is not None:
            DifficultyFile.objects.filter(pk=stored.pk).update(reply=answer)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0002_add_difficultyfile_reply"),
    ]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
