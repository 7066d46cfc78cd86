"""An import job's state: every change of it goes through its flow (``IMPORT_JOB_FLOW``), audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from shidian.core import transitions
from shidian.indicators.models import IMPORT_JOB_FLOW, ImportJob

if TYPE_CHECKING:
    from shidian.core.actors import Actor
    from shidian.core.audit_actions import AuditAction


def move_job(
    job: ImportJob,
    to: str,
    *,
    by: Actor,
    action: AuditAction | None = None,
    detail: Mapping[str, Any] | None = None,
    success: bool = True,
    **values: Any,
) -> ImportJob:
    """Move ``job`` to state ``to`` with ``values`` (counts, errors, finish time) saved alongside; return it fresh."""

    def apply(locked: ImportJob) -> transitions.Effects:
        for name, value in values.items():
            setattr(locked, name, value)
        return transitions.Effects(fields=list(values), action=action, detail=detail, success=success)

    # The locked row leaves the stored file in the database: a move never needs it, and read through the
    # ORM a file costs several times its size in memory (issue 16).
    rows = ImportJob.objects.defer("content")
    return transitions.move(job, to, flow=IMPORT_JOB_FLOW, by=by, apply=apply, queryset=rows)
