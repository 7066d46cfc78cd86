"""Freeze the reference names of the tasks of versions approved before the names were kept."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def freeze(apps: Any, schema_editor: Any) -> None:
    Task = apps.get_model("plans", "Task")
    tasks = list(
        Task.objects.filter(version__status="approved", approved_names={})
        .select_related("focus_area", "lead_department")
        .prefetch_related("supporting_departments")
    )
    for task in tasks:
        task.approved_names = {
            "focus_area": task.focus_area.name,
            "lead_department": task.lead_department.name,
            "supporting_departments": [o.name for o in task.supporting_departments.all()],
        }
    Task.objects.bulk_update(tasks, ["approved_names"], batch_size=500)


def thaw(apps: Any, schema_editor: Any) -> None:
    apps.get_model("plans", "Task").objects.update(approved_names={})


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_approved_names_and_goal_years_from_registry")]

    operations = [migrations.RunPython(freeze, thaw)]
