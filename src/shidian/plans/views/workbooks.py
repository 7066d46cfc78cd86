"""A plan as a workbook, a Word or PDF document; the template and the import of a filled-in workbook."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shidian.core import audit
from shidian.core.errors import DomainError, ImportRejected
from shidian.core.http import AuthedHttpRequest
from shidian.plans import forms, permissions, selectors, workbook
from shidian.plans.views._common import DOCX, XLSX, _download, _to_plan


@login_required
@require_GET
def template_xlsx(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    if not permissions.can_edit_plan(request.user, pilot):
        raise Http404
    content = workbook.template_xlsx(pilot=pilot)
    audit.record(action=audit.AuditAction.PLAN_TEMPLATE_DOWNLOADED, actor=request.user, obj=pilot)
    return _download(content, XLSX, _("%(pilot)s工作方案模板.xlsx") % {"pilot": pilot.name})


def _version_for_export(request: AuthedHttpRequest, pilot_id: int) -> Any:
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    version_param = request.GET.get("version", "")
    version_id = (
        int(version_param) if version_param.isdigit() else selectors.current_version_ids([pilot.pk]).get(pilot.pk)
    )
    if version_id is None:
        raise Http404
    version = selectors.get_version_for(user=request.user, version_id=version_id)
    if version.plan.pilot_id != pilot.pk:
        raise Http404
    return version


@login_required
@require_GET
def export_xlsx(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    version = _version_for_export(request, pilot_id)
    name = _("%(pilot)s工作方案第%(number)d版.xlsx") % {"pilot": version.plan.pilot.name, "number": version.number}
    content = workbook.export_xlsx(version=version)
    audit.record(action=audit.AuditAction.PLAN_EXPORTED, actor=request.user, obj=version, detail={"format": "xlsx"})
    return _download(content, XLSX, name)


@login_required
@require_GET
def export_docx(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    version = _version_for_export(request, pilot_id)
    name = _("%(pilot)s工作方案第%(number)d版.docx") % {"pilot": version.plan.pilot.name, "number": version.number}
    content = workbook.export_docx(version=version)
    audit.record(action=audit.AuditAction.PLAN_EXPORTED, actor=request.user, obj=version, detail={"format": "docx"})
    return _download(content, DOCX, name)


@login_required
@require_GET
def export_pdf(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    version = _version_for_export(request, pilot_id)
    name = _("%(pilot)s工作方案第%(number)d版.pdf") % {"pilot": version.plan.pilot.name, "number": version.number}
    return _download(workbook.export_pdf(version=version), "application/pdf", name)


@login_required
@require_http_methods(["GET", "POST"])
def import_plan(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    """Upload → preview (every error by sheet, row, column) → confirm; nothing is written before confirming."""
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    if not permissions.can_edit_plan(request.user, pilot):
        raise Http404
    versions = selectors.versions_of(pilot=pilot)
    latest = versions[0] if versions else None
    form = forms.PlanUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"pilot": pilot, "form": form, "version": latest}
    if latest is None or not latest.is_editable:
        context["blocked"] = True
        return render(request, "plans/import.html", context)
    user = request.user
    if request.method == "POST" and request.POST.get("confirm"):
        pending = workbook.pending_import_for(version=latest, import_id=request.POST.get("import_id", ""), by=user)
        if pending is None:
            messages.error(request, _("预览已失效，请重新上传。"))
            return redirect("plans:import", pilot_id=pilot.pk)
        try:
            preview = workbook.confirm_pending_import(pending=pending, by=user)
        except ImportRejected as exc:
            context["errors"] = exc.errors
        except DomainError as exc:
            context["errors"] = [exc.message]
        else:
            messages.success(
                request,
                _("已导入 %(tasks)d 项任务、%(milestones)d 个节点。")
                % {"tasks": len(preview.tasks), "milestones": preview.milestone_count},
            )
            return _to_plan(pilot.pk, latest.pk)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(settings.PLAN_IMPORT_MAX_BYTES + 1)
        try:
            context["preview"] = workbook.preview_upload(version=latest, content=content, by=user)
        except ImportRejected as exc:
            context["errors"] = exc.errors
        except DomainError as exc:
            context["errors"] = [exc.message]
        else:
            # The file waits in the database (with an expiry), not in the session.
            context["pending"] = workbook.keep_pending_import(
                version=latest, content=content, file_name=upload.name or "", by=user
            )
    return render(request, "plans/import.html", context)
