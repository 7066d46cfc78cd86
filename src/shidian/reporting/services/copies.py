"""The copies of a province report sent to the ministries: read receipts."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shidian.core import audit
from shidian.core.errors import NotFound
from shidian.reporting import permissions
from shidian.reporting.models import ReadReceipt, ReportCopy


@transaction.atomic
def read_copy(*, copy: ReportCopy, by: Any) -> ReadReceipt:
    """Record that ``by`` opened the copy sent to its ministry (the first time only)."""
    if not permissions.can_read_copy(by, copy):
        raise NotFound
    receipt, created = ReadReceipt.objects.get_or_create(copy=copy, reader=by)
    if created:
        audit.record(action=audit.AuditAction.COPY_READ, actor=by, obj=copy, detail={"version": copy.version_id})
    return receipt
