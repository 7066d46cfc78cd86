"""Progress of the plans, by province and nationwide, with their spreadsheets."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shidian.core import audit, clock, listing, scoping
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability, Reach
from shidian.plans import filters, selectors, workbook
from shidian.plans.views._common import XLSX, _download


@login_required
@require_GET
def province(request: AuthedHttpRequest) -> HttpResponse:
    scoping.require(request.user, Capability.VIEW_PLANS)
    organisation = getattr(request.user, "organisation", None)
    province_obj = getattr(organisation, "province", None)
    scope = scoping.scope_for(request.user)
    if province_obj is None or scope.reach is not Reach.PROVINCE:
        return redirect("plans:national")
    rows = selectors.province_progress(user=request.user, province=province_obj)
    list_filter = filters.PlanListFilter(request.GET, national=False)
    if request.GET.get("format") == "xlsx":
        return _progress_download(request, list_filter, list_filter.apply(rows), province_obj.name)
    page, query = listing.page_of(request, list_filter.apply(rows))
    return render(
        request,
        "plans/province.html",
        {"rows": page, "query": query, "filters": list_filter, "province": province_obj},
    )


@login_required
@require_GET
def national(request: AuthedHttpRequest) -> HttpResponse:
    view = selectors.national_progress(user=request.user)
    chart = {
        "tooltip": {},
        "xAxis": {"type": "category", "data": [b.label for b in view.by_focus_area], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "max": 100, "name": "%"},
        "series": [{"type": "bar", "data": [b.progress or 0 for b in view.by_focus_area]}],
        "grid": {"bottom": 120},
    }
    list_filter = filters.PlanListFilter(request.GET, national=True)
    if request.GET.get("format") == "xlsx":
        return _progress_download(request, list_filter, list_filter.apply(view.rows), _("全国"))
    page, query = listing.page_of(request, list_filter.apply(view.rows))
    return render(
        request,
        "plans/national.html",
        {"view": view, "chart": chart, "rows": page, "query": query, "filters": list_filter},
    )


def _progress_download(
    request: AuthedHttpRequest, list_filter: filters.PlanListFilter, rows: list[Any], scope_name: str
) -> HttpResponse:
    """Every filtered row of a plans list as XLSX, audited with the filters used."""
    content = workbook.progress_list_xlsx(rows)
    audit.record(
        action=audit.AuditAction.PLAN_LIST_EXPORTED,
        actor=request.user,
        detail={"format": "xlsx", "rows": len(rows), "filters": list_filter.active()},
    )
    name = _("%(scope)s工作方案进展-%(date)s.xlsx") % {"scope": scope_name, "date": clock.today().isoformat()}
    return _download(content, XLSX, name)
