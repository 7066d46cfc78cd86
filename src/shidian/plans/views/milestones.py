"""Milestones: the page, dependencies, deletion, evidence; the user's own tasks."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shidian.core import audit, clock, uploads
from shidian.core.forms import errors_as_messages
from shidian.core.http import AuthedHttpRequest
from shidian.plans import forms, permissions, selectors, services
from shidian.plans.views._common import _attempt, _to_plan


@login_required
@require_http_methods(["GET", "POST"])
def milestone(request: AuthedHttpRequest, milestone_id: int) -> HttpResponse:
    item = selectors.get_milestone_for(user=request.user, milestone_id=milestone_id)
    can_update = permissions.can_update_milestone(request.user, item)
    editable = item.task.version.is_editable and permissions.can_edit_plan(request.user, item.task.version.plan.pilot)
    form = forms.ProgressForm(
        request.POST or None,
        initial={
            "progress_percent": item.progress_percent,
            "status": item.status,
            "note": item.note,
            "finished_on": item.finished_on,
        },
    )
    if request.method == "POST":
        if form.is_valid():
            if _attempt(
                request,
                lambda: services.update_milestone_progress(milestone=item, by=request.user, **form.cleaned_data),
                _("进度已更新。"),
            ):
                return redirect("plans:milestone", milestone_id=item.pk)
        else:
            errors_as_messages(request, form)
    return render(
        request,
        "plans/milestone.html",
        {
            "milestone": item,
            "task": item.task,
            "form": form if can_update else None,
            "evidence_form": forms.EvidenceForm() if can_update else None,
            "evidence": item.evidence.select_related("uploaded_by"),
            "overdue": item.is_overdue(clock.today()),
            "dependencies_form": forms.DependenciesForm(
                milestone=item, initial={"depends_on": list(item.depends_on.all())}
            )
            if editable
            else None,
        },
    )


@login_required
@require_GET
def evidence_file(request: AuthedHttpRequest, milestone_id: int, evidence_id: int) -> HttpResponse:
    item = selectors.get_milestone_for(user=request.user, milestone_id=milestone_id)
    document = item.evidence.filter(pk=evidence_id).first()
    if document is None:
        raise Http404
    audit.record(
        action=audit.AuditAction.EVIDENCE_DOWNLOADED,
        actor=request.user,
        obj=document,
        detail={"file": document.original_name, "milestone": item.pk},
    )
    with document.file.open("rb") as stored:
        content = stored.read()
    # Typed by the content, never by the name the uploader chose (x.html is no page).
    return uploads.attachment_response(content, file_name=document.original_name)


@login_required
@require_POST
def milestone_dependencies(request: AuthedHttpRequest, milestone_id: int) -> HttpResponse:
    item = selectors.get_milestone_for(user=request.user, milestone_id=milestone_id)
    form = forms.DependenciesForm(request.POST, milestone=item)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.set_dependencies(
                milestone=item,
                depends_on=list(form.cleaned_data["depends_on"]),
                by=request.user,
            ),
            _("前置节点已更新，并重新倒排了时间。"),
        )
    else:
        errors_as_messages(request, form)
    return redirect("plans:milestone", milestone_id=item.pk)


@login_required
@require_POST
def milestone_delete(request: AuthedHttpRequest, milestone_id: int) -> HttpResponse:
    item = selectors.get_milestone_for(user=request.user, milestone_id=milestone_id)
    if _attempt(request, lambda: services.delete_milestone(milestone=item, by=request.user), _("已删除节点。")):
        return _to_plan(item.task.version.plan.pilot_id, item.task.version_id)
    return redirect("plans:milestone", milestone_id=item.pk)


@login_required
@require_POST
def evidence(request: AuthedHttpRequest, milestone_id: int) -> HttpResponse:
    item = selectors.get_milestone_for(user=request.user, milestone_id=milestone_id)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.PLAN_EVIDENCE_MAX_BYTES:
            messages.error(
                request,
                _("文件过大：%(size)d 字节，上限 %(limit)d 字节。")
                % {"size": upload.size, "limit": settings.PLAN_EVIDENCE_MAX_BYTES},
            )
        else:
            _attempt(
                request,
                lambda: services.attach_evidence(
                    milestone=item,
                    file_name=upload.name,
                    content=upload.read(),
                    by=request.user,
                ),
                _("佐证材料已上传。"),
            )
    else:
        errors_as_messages(request, form)
    return redirect("plans:milestone", milestone_id=item.pk)


@login_required
@require_GET
def my_tasks(request: AuthedHttpRequest) -> HttpResponse:
    items = selectors.my_milestones(user=request.user)
    today = clock.today()
    return render(
        request,
        "plans/my_tasks.html",
        {
            "rows": [(m, m.is_overdue(today)) for m in items],
            "supported": selectors.supported_tasks(user=request.user),
            "organisation": getattr(request.user, "organisation", None),
            "year": today.year,
        },
    )
