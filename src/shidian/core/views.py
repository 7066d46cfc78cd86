"""The audit trail page: only audit admins read it, and their searches are audited too."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shidian.core import audit, scoping
from shidian.core.models import AuditEvent
from shidian.core.roles import Capability

PAGE_SIZE = 50


@login_required
@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    scoping.require(request.user, Capability.READ_AUDIT)
    text = request.GET.get("q", "").strip()[:100]
    action = request.GET.get("action", "").strip()[:100]
    username = request.GET.get("user", "").strip()[:150]
    # Record the search first, so the page lists it and its count and rows come from one state of the trail.
    audit.record(
        action=audit.AuditAction.AUDIT_SEARCHED,
        actor=request.user,
        detail={"q": text, "action": action, "user": username, "page": request.GET.get("page", "1")[:10]},
    )
    events = AuditEvent.objects.search(text=text, action=action, username=username)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "q": text, "action": action, "user_filter": username, "query": query.urlencode()},
    )
