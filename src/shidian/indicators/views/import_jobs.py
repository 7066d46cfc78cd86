"""Imports of indicator values from a workbook: upload, template, job page and its progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shidian.core import audit, scoping
from shidian.core.errors import DomainError
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability
from shidian.indicators import imports, selectors
from shidian.indicators.forms import ImportForm
from shidian.indicators.views._common import XLSX_TYPE, _business, _period
from shidian.pilots import selectors as pilot_selectors


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedHttpRequest) -> HttpResponse:
    _business(request)
    if not scoping.can(request.user, Capability.IMPORT_INDICATORS):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > imports.CSV_MAX_BYTES:  # a CSV streams; start_import holds an XLSX to IMPORT_MAX_BYTES
            error = _("文件过大：%(size)d 字节，上限 %(limit)d 字节。") % {
                "size": upload.size,
                "limit": imports.CSV_MAX_BYTES,
            }
        else:
            try:
                job = imports.start_import(
                    content=upload.read(),
                    file_name=upload.name,
                    mode=form.cleaned_data["mode"],
                    by=request.user,
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("indicators:import_job", job_id=job.pk)
    return render(
        request,
        "indicators/import.html",
        {
            "form": form,
            "error": error,
            "periods": selectors.periods(open_only=True),
            "max_bytes": imports.IMPORT_MAX_BYTES,
            "background_rows": imports.BACKGROUND_ROWS,
        },
        status=400 if error else 200,
    )


@login_required
def import_template(request: AuthedHttpRequest) -> HttpResponse:
    _business(request)
    if not scoping.can(request.user, Capability.IMPORT_INDICATORS):
        raise Http404
    the_period = _period(request.GET.get("period") or str(pilot_selectors.programme_end_year()))
    content = imports.template_xlsx(user=request.user, period=the_period)
    audit.record(
        action=audit.AuditAction.INDICATOR_TEMPLATE_DOWNLOADED, actor=request.user, detail={"period": the_period.code}
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="indicators-{the_period.code}.xlsx"'
    return response


@login_required
def import_job(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    _business(request)
    job = selectors.get_import_job_for(user=request.user, job_id=job_id)
    return render(request, "indicators/import_job.html", {"job": job})


@login_required
def import_progress(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment htmx polls while a background import runs."""
    _business(request)
    job = selectors.get_import_job_for(user=request.user, job_id=job_id)
    return render(request, "indicators/_import_progress.html", {"job": job})
