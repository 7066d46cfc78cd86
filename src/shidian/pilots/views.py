"""Registry pages: overview charts, pilot list and page, completeness, import. Thin: parse, call, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shidian.core import listing, scoping
from shidian.core.errors import DomainError, ImportRejected
from shidian.core.http import AuthedHttpRequest
from shidian.core.kept import kept_template
from shidian.core.roles import Capability
from shidian.pilots import charts, selectors, services
from shidian.pilots.forms import PilotFilterForm, RegistryUploadForm, StatusChangeForm
from shidian.regions import selectors as region_selectors


def _business(request: HttpRequest) -> None:
    """Admin duties never see business data: their pages are elsewhere."""
    scoping.require(request.user, Capability.VIEW_PILOTS)


@login_required
def dashboard(request: AuthedHttpRequest) -> HttpResponse:
    _business(request)
    scope = scoping.scope_for(request.user)
    data = selectors.dashboard_for(user=request.user)
    boundary = region_selectors.active_map_boundary()
    map_option = charts.province_map(data.by_province) if boundary else charts.province_tile_grid(data.by_province)
    return render(
        request,
        "pilots/dashboard.html",
        {
            "data": data,
            "scope": scope,
            "boundary": boundary,
            "charts": {
                "batch": charts.bar(_("按批次"), data.by_batch),
                "region": charts.bar(_("按区域"), data.by_region),
                "kind": charts.bar(_("按类型"), data.by_kind),
                "status": charts.bar(_("按状态"), data.by_status),
                "map": map_option,
            },
        },
    )


@login_required
def pilot_list(request: AuthedHttpRequest) -> HttpResponse:
    _business(request)
    form = PilotFilterForm(request.GET or None, provinces=region_selectors.provinces(), batches=selectors.batches())
    pilots = selectors.filter_pilots(selectors.visible_pilots(user=request.user), form.filters())

    def rows() -> dict[str, object]:
        page, query = listing.page_of(request, pilots)
        return {"page": page, "query": query}

    # Kept until the data moves (core/kept.py): the rows depend on their reader, the filters and the page only.
    rows_html = kept_template(request, "pilots/_pilot_rows.html", request.GET.urlencode(), rows)
    if request.htmx:  # a filter changed: the rows only
        return HttpResponse(rows_html)
    return render(request, "pilots/pilot_list.html", {"form": form, "rows_html": rows_html})


@login_required
def pilot_detail(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    _business(request)
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)  # NotFound before any copy

    def detail() -> dict[str, object]:
        history = pilot.status_changes.select_related("decided_by").order_by("effective_on", "id")
        return {"pilot": pilot, "history": history}

    can_change = scoping.can(request.user, Capability.CHANGE_PILOT_STATUS)
    return render(
        request,
        "pilots/pilot_detail.html",
        {
            "pilot": pilot,
            # Kept until the data moves (core/kept.py); the status form is not (its CSRF token).
            "detail_html": kept_template(request, "pilots/_pilot_detail.html", str(pilot.pk), detail),
            "status_form": StatusChangeForm() if can_change else None,
        },
    )


@login_required
@require_POST
def pilot_change_status(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    _business(request)
    scoping.require(request.user, Capability.CHANGE_PILOT_STATUS)
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            services.change_pilot_status(
                pilot=pilot,
                to=form.cleaned_data["to"],
                effective_on=form.cleaned_data["effective_on"],
                reason=form.cleaned_data["reason"],
                document_number=form.cleaned_data["document_number"],
                by=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("试点状态已更新。"))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}：{'；'.join(str(e) for e in errors)}")
    return redirect("pilots:detail", pilot_id=pilot.pk)


@login_required
def completeness(request: AuthedHttpRequest) -> HttpResponse:
    _business(request)
    rows = selectors.registry_completeness(user=request.user)
    return render(
        request,
        "pilots/completeness.html",
        {
            "rows": rows,
            "declared": sum(r.batch.declared_areas for r in rows),
            "loaded": sum(r.loaded for r in rows),
            "verified": sum(r.verified for r in rows),
            "national": scoping.scope_for(request.user).is_national,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def registry_import(request: AuthedHttpRequest) -> HttpResponse:
    scoping.require(request.user, Capability.IMPORT_REGISTRY)
    form = RegistryUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "max_bytes": settings.REGISTRY_IMPORT_MAX_BYTES}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.REGISTRY_IMPORT_MAX_BYTES:
            context["errors"] = [
                _("文件过大：%(size)d 字节，上限 %(limit)d 字节。")
                % {"size": upload.size, "limit": settings.REGISTRY_IMPORT_MAX_BYTES}
            ]
        else:
            try:
                record, plan = services.preview_registry_upload(
                    content=upload.read(), file_name=upload.name, by=request.user
                )
            except ImportRejected as exc:
                context["errors"] = [str(e) for e in exc.errors]
            except DomainError as exc:
                context["errors"] = [exc.message]
            else:
                context.update({"record": record, "plan": plan})
    return render(request, "pilots/registry_import.html", context)


@login_required
@require_POST
def registry_import_confirm(request: AuthedHttpRequest, import_id: int) -> HttpResponse:
    record = selectors.get_pending_import_for(user=request.user, import_id=import_id)
    try:
        plan = services.confirm_registry_upload(upload=record, by=request.user)
    except ImportRejected as exc:
        return render(
            request,
            "pilots/registry_import.html",
            {"form": RegistryUploadForm(), "errors": [str(e) for e in exc.errors]},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("pilots:import")
    messages.success(request, _("名录已导入：新增 %(create)d，更新 %(update)d，未变 %(unchanged)d。") % plan.summary)
    return redirect("pilots:completeness")
