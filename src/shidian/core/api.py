"""The audit trail through the API, for the security auditor only, with the filters of the auditor's page."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import ValidationError
from ninja.pagination import paginate

from shidian.core import audit, scoping
from shidian.core.forms import AuditFilterForm
from shidian.core.models import AuditEvent
from shidian.core.pagination import Pagination
from shidian.core.roles import Capability
from shidian.core.schemas import AuditEventOut, AuditQuery

router = Router(tags=["审计"])

FORM_ERROR = "form_invalid"  # an error whose message is the form's own (Chinese) message, shown as it is


@router.get("/events", response=list[AuditEventOut], summary="审计日志（仅安全审计员），新的在前")
@paginate(Pagination, ordering=("-id",))
def list_events(request: HttpRequest, filters: Query[AuditQuery]) -> Any:
    scoping.require(request.user, Capability.READ_AUDIT)
    # The page's own form checks the filters (since before until), so both search alike.
    form = AuditFilterForm({k: v for k, v in filters.model_dump().items() if v not in ("", None)})
    if not form.is_valid():
        raise ValidationError(
            [
                {"loc": ("query", name), "type": FORM_ERROR, "msg": str(message)}
                for name, messages in form.errors.items()
                for message in messages
            ]
        )
    audit.record(
        action=audit.AuditAction.AUDIT_SEARCHED,
        actor=request.user,
        detail={**form.audit_detail(), "via": "api", "cursor": str(request.GET.get("cursor", ""))[:200]},
    )
    return AuditEvent.objects.search(**form.search_arguments())
