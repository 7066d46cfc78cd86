"""The auditor's pages: the trail with filters, its XLSX export and the alerts. Each use is itself audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from shidian.core import audit, scoping, uploads
from shidian.core.audit_actions import AuditAction
from shidian.core.documents import xlsx
from shidian.core.forms import AuditFilterForm
from shidian.core.models import AuditEvent
from shidian.core.roles import Capability

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000
XLSX_TYPE = uploads.XLSX.content_type

# What the alerts page gathers (等保 2.0: lockouts, changes to accounts and roles, bursts of refusals).
ACCOUNT_ALERTS = (
    AuditAction.USER_CREATED,
    AuditAction.USER_PERMISSIONS_CHANGED,
    AuditAction.PASSWORD_RESET,
    AuditAction.USER_UNLOCKED,
)
REFUSALS = (AuditAction.ACCESS_DENIED, AuditAction.LOGIN_FAILED, AuditAction.PASSWORD_CHANGE_FAILED)
BURST_THRESHOLD = 5
ALERT_DAYS = 7


def _filter(request: HttpRequest) -> AuditFilterForm:
    form = AuditFilterForm(request.GET or None)
    form.is_valid()
    return form


@login_required
@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    scoping.require(request.user, Capability.READ_AUDIT)
    form = _filter(request)
    # Record the search first, so the page lists it and its count and rows come from one state of the trail.
    audit.record(
        action=AuditAction.AUDIT_SEARCHED,
        actor=request.user,
        detail={**form.audit_detail(), "page": request.GET.get("page", "1")[:10]},
    )
    events = AuditEvent.objects.search(**form.search_arguments())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "form": form, "query": query.urlencode(), "actions": AuditAction.choices},
    )


@login_required
@require_safe
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered trail as a workbook (at most EXPORT_MAX_ROWS rows, newest first)."""
    scoping.require(request.user, Capability.READ_AUDIT)
    form = _filter(request)
    events = AuditEvent.objects.search(**form.search_arguments())[:EXPORT_MAX_ROWS]
    header = [
        _("编号"), _("时间"), _("用户名"), _("单位"), _("IP 地址"), _("操作"), _("操作代码"),
        _("对象类型"), _("对象编号"), _("对象"), _("结果"), _("变更内容"), _("详情"), _("事件哈希"),
    ]  # fmt: skip
    rows = [
        [
            event.pk,
            timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
            event.actor_username,
            event.organisation_name,
            event.ip or "",
            event.action_label,
            event.action,
            event.object_type,
            event.object_id,
            event.object_repr,
            _("成功") if event.success else _("失败"),
            _json(event.changes),
            _json(event.detail),
            event.hash,
        ]
        for event in events.iterator(chunk_size=2000)
    ]
    # Through the shared writer: a name or object that reads like a formula stays text in the auditor's file.
    content = xlsx.one_sheet(_("审计日志"), header, rows)
    audit.record(
        action=AuditAction.AUDIT_EXPORTED, actor=request.user, detail={**form.audit_detail(), "rows": len(rows)}
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


@login_required
@require_safe
def audit_alerts(request: HttpRequest) -> HttpResponse:
    """Lockouts, account and role changes, and users or addresses with a burst of refusals."""
    scoping.require(request.user, Capability.READ_AUDIT)
    days = ALERT_DAYS
    since = timezone.now() - dt.timedelta(days=days)
    audit.record(action=AuditAction.AUDIT_ALERTS_VIEWED, actor=request.user, detail={"days": days})
    recent = AuditEvent.objects.filter(occurred_at__gte=since)
    lockouts = list(recent.filter(action__in=[AuditAction.LOCKED_OUT, AuditAction.PASSWORD_CHANGE_LOCKED])[:200])
    account_changes = list(
        recent.filter(Q(action__in=ACCOUNT_ALERTS) | Q(object_type="accounts.User", action__startswith="core.admin."))[
            :200
        ]
    )
    bursts = list(
        recent.filter(action__in=REFUSALS)
        .values("actor_username", "ip")
        .annotate(count=Count("id"), last=Max("occurred_at"))
        .filter(count__gte=BURST_THRESHOLD)
        .order_by("-count")[:100]
    )
    return render(
        request,
        "core/audit_alerts.html",
        {
            "days": days,
            "lockouts": lockouts,
            "account_changes": account_changes,
            "bursts": bursts,
            "threshold": BURST_THRESHOLD,
        },
    )
