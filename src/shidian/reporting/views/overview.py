"""The reporting home (inbox), its spreadsheet, a round's due dates, ministry copies and the completeness matrix."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shidian.core import audit, clock, listing, scoping
from shidian.core.errors import DomainError
from shidian.core.forms import errors_as_messages
from shidian.core.http import AuthedHttpRequest
from shidian.core.kept import kept_template
from shidian.core.roles import Capability
from shidian.reporting import documents, filters, selectors, services
from shidian.reporting.forms import (
    RoundDuesForm,
)
from shidian.reporting.views._common import XLSX_TYPE, _document_response, _download, _format


@login_required
@require_GET
def home(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    is_ministry = scoping.can(user, Capability.READ_REPORT_COPIES)
    if not (scoping.can(user, Capability.VIEW_REPORTS) or is_ministry):
        raise Http404
    context: dict[str, Any] = {
        "rounds": selectors.rounds()[::-1],
        "can_write": scoping.can(user, Capability.WRITE_PILOT_REPORT),
        "can_review": scoping.can(user, Capability.REVIEW_PILOT_REPORTS),
        "can_review_province": scoping.can(user, Capability.REVIEW_PROVINCE_REPORTS),
        "can_manage_rounds": scoping.can(user, Capability.MANAGE_ROUNDS),
        "is_ministry": is_ministry,
    }
    if context["can_write"]:
        context["pilot"] = selectors.user_pilot(user)
        context["pilot_rounds"] = selectors.pilot_rounds(user=user)
    if context["can_review"]:
        awaiting_filter = filters.AwaitingFilter(request.GET)
        context["awaiting_filter"] = awaiting_filter
        context["awaiting"], context["awaiting_query"] = listing.page_of(
            request,
            awaiting_filter.apply(selectors.reports_awaiting_review(user=user)).select_related("pilot__batch", "round"),
            param="awaiting_page",
        )
        reports = {r.round_id: r for r in selectors.visible_province_reports(user=user)}
        context["province_rounds"] = [(r, reports.get(r.pk)) for r in context["rounds"]]
    if context["can_review_province"]:
        inbox_filter = filters.NationalInboxFilter(request.GET)
        context["inbox_filter"] = inbox_filter
        context["inbox"], context["inbox_query"] = listing.page_of(
            request,
            inbox_filter.apply(selectors.national_inbox(user=user)).select_related("province", "round"),
            param="inbox_page",
        )
    if is_ministry:
        copies, context["copies_query"] = listing.page_of(
            request, selectors.ministry_inbox(user=user), param="copies_page"
        )
        context["copies_page"] = copies
        context["copies"] = [
            (copy, len(selectors.tags_for_ministry(copy.version, copy.ministry_id))) for copy in copies
        ]
    return render(request, "reporting/home.html", context)


@login_required
@require_GET
def inbox_xlsx(request: AuthedHttpRequest) -> HttpResponse:
    """The national inbox as filtered on the home page, every row (not just the page), as XLSX."""
    scoping.require(request.user, Capability.REVIEW_PROVINCE_REPORTS)
    inbox_filter = filters.NationalInboxFilter(request.GET)
    reports = inbox_filter.apply(selectors.national_inbox(user=request.user))
    content = documents.inbox_xlsx(reports)
    audit.record(
        action=audit.AuditAction.INBOX_EXPORTED,
        actor=request.user,
        detail={"format": "xlsx", "rows": reports.count(), "filters": inbox_filter.active()},
    )
    name = _("省级报告收件箱-%(date)s.xlsx") % {"date": clock.today().isoformat()}
    return _download(content, name, XLSX_TYPE)


@login_required
@require_POST
def round_dues(request: AuthedHttpRequest, round_id: int) -> HttpResponse:
    scoping.require(request.user, Capability.MANAGE_ROUNDS)
    reporting_round = selectors.get_round(round_id=round_id)
    form = RoundDuesForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
    else:
        try:
            services.change_round_dues(
                reporting_round=reporting_round,
                pilot_due=form.cleaned_data["pilot_due"],
                province_due=form.cleaned_data["province_due"],
                by=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("报送期限已更新。"))
    return redirect("reporting:home")


@login_required
@require_http_methods(["GET"])
def copy_detail(request: AuthedHttpRequest, copy_id: int) -> HttpResponse:
    """A ministry reads a copied province report; the first reading is recorded as a read receipt."""
    copy = selectors.get_copy_for(user=request.user, copy_id=copy_id)
    services.read_copy(copy=copy, by=request.user)
    if request.GET.get("format") in {"docx", "pdf"}:
        fmt = _format(request)
        audit.record(
            action=audit.AuditAction.PROVINCE_REPORT_DOWNLOADED,
            actor=request.user,
            obj=copy.version,
            detail={"format": fmt, "copy": copy.pk},
        )
        return _document_response(documents.province_report_document(copy.version), fmt)
    return render(
        request,
        "reporting/copy.html",
        {
            "copy": copy,
            "version": copy.version,
            "tags": selectors.tags_for_ministry(copy.version, copy.ministry_id),
        },
    )


@login_required
@require_GET
def matrix(request: AuthedHttpRequest) -> HttpResponse:
    """The rates and province rows of the completeness matrix, and one page of its pilot rows (XLSX: every row)."""
    if request.GET.get("format") == "xlsx":
        data = selectors.completeness_matrix(user=request.user)
        stamp = clock.today().isoformat()
        audit.record(action=audit.AuditAction.MATRIX_EXPORTED, actor=request.user, detail={"format": "xlsx"})
        return _download(documents.matrix_xlsx(data), _("报告报送情况-%(date)s.xlsx") % {"date": stamp}, XLSX_TYPE)
    pilots = selectors.matrix_pilots(user=request.user)  # refuses a reader without the reports, before any copy

    def context() -> dict[str, object]:
        page, query = listing.page_of(request, pilots)
        data = selectors.completeness_matrix(user=request.user, pilots=list(page.object_list))
        return {"matrix": data, "states": selectors.CELL_LABELS, "page": page, "query": query}

    # Kept until the data moves (core/kept.py): the matrix depends on its reader, the page and the date only.
    html = kept_template(request, "reporting/_matrix.html", request.GET.urlencode(), context)
    return render(request, "reporting/matrix.html", {"matrix_html": html})
