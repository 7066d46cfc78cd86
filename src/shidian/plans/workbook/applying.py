"""A checked workbook applied to a draft version, at once or after a kept preview; audited."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit
from shidian.core.errors import DomainError, ImportRejected
from shidian.plans import services
from shidian.plans.models import PendingPlanImport, PlanVersion
from shidian.plans.workbook.reading import ImportPreview, preview_import


def _audit_refused(*, version: PlanVersion, by: User, step: str, exc: ImportRejected | DomainError) -> None:
    """A refused file is audited after the refused work is rolled back (``audit.record_refusal``)."""
    errors = exc.errors if isinstance(exc, ImportRejected) else [exc.message]
    audit.record_refusal(
        action=audit.AuditAction.PLAN_IMPORT_REFUSED,
        actor=by,
        obj=version,
        detail={"step": step, "errors": len(errors), "first_error": str(errors[0]) if errors else ""},
    )


def preview_upload(*, version: PlanVersion, content: bytes, by: User) -> ImportPreview:
    """``preview_import`` of a user's upload; a refused file is audited."""
    try:
        return preview_import(version=version, content=content)
    except (ImportRejected, DomainError) as exc:
        _audit_refused(version=version, by=by, step="preview", exc=exc)
        raise


def apply_import(*, version: PlanVersion, content: bytes, by: User) -> ImportPreview:
    """Check the file again, then replace the draft's goals and tasks with it (all or nothing).

    Reading and checking the file happens before the transaction, so no write lock is held meanwhile.
    A refusal (the file's errors, or a step the services refuse) leaves the draft as it was and is audited.
    """
    try:
        preview = preview_import(version=version, content=content)
        with transaction.atomic():
            _replace_content(version=version, preview=preview, by=by)
    except (ImportRejected, DomainError) as exc:
        _audit_refused(version=version, by=by, step="apply", exc=exc)
        raise
    return preview


def _replace_content(*, version: PlanVersion, preview: ImportPreview, by: User) -> None:
    for goal in list(version.goals.all()):
        services.delete_goal(goal=goal, by=by)
    for task in list(version.tasks.all()):
        services.delete_task(task=task, by=by)
    for text, year in preview.goals:
        services.add_goal(version=version, text=text, target_year=year, by=by)
    for item in preview.tasks:
        task = services.add_task(
            version=version,
            title=item.title,
            focus_area=item.focus_area,
            lead_department=item.lead_department,
            supporting_departments=item.supporting,
            responsible_name=item.responsible_name,
            responsible_contact=item.responsible_contact,
            deadline=item.deadline,
            weight=item.weight,
            use_working_days=item.use_working_days,
            by=by,
        )
        created = {
            m.number: services.add_milestone(
                task=task, name=m.name, duration_days=m.duration, deliverable=m.deliverable, due_by=m.due_by, by=by
            )
            for m in item.milestones
        }
        for m in item.milestones:
            if m.depends_on:
                services.set_dependencies(
                    milestone=created[m.number], depends_on=[created[d] for d in m.depends_on], by=by
                )
    audit.record(
        action=audit.AuditAction.PLAN_VERSION_IMPORTED,
        actor=by,
        obj=version,
        detail={"tasks": len(preview.tasks), "milestones": preview.milestone_count, "goals": len(preview.goals)},
    )


@transaction.atomic
def keep_pending_import(*, version: PlanVersion, content: bytes, file_name: str, by: User) -> PendingPlanImport:
    """Keep a previewed file until it is confirmed or expires; earlier pending files of this user and draft go."""
    now = timezone.now()
    PendingPlanImport.objects.filter(version=version, uploaded_by=by, applied_at__isnull=True).delete()
    PendingPlanImport.objects.filter(expires_at__lt=now, applied_at__isnull=True).delete()
    return PendingPlanImport.objects.create(
        version=version,
        content=content,
        file_name=file_name[:200],
        uploaded_by=by,
        expires_at=now + dt.timedelta(minutes=settings.PLAN_IMPORT_PREVIEW_MINUTES),
    )


def pending_import_for(*, version: PlanVersion, import_id: object, by: User) -> PendingPlanImport | None:
    """The user's own unexpired, unapplied file for this draft; None when the preview is gone."""
    try:
        pk = int(str(import_id))
    except ValueError:
        return None
    return PendingPlanImport.objects.filter(
        pk=pk, version=version, uploaded_by=by, applied_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


@transaction.atomic
def confirm_pending_import(*, pending: PendingPlanImport, by: User) -> ImportPreview:
    """Apply a kept file (checked again) and drop its bytes."""
    locked = PendingPlanImport.objects.select_for_update().get(pk=pending.pk)
    if locked.applied_at is not None or locked.uploaded_by_id != by.pk:
        raise DomainError(_("预览已失效，请重新上传。"))
    preview = apply_import(version=locked.version, content=bytes(locked.content), by=by)
    locked.applied_at = timezone.now()
    locked.content = b""
    locked.save(update_fields=["applied_at", "content"])
    return preview
