"""What goes with a pilot report: its difficulty tags and attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shidian.core import audit
from shidian.core.errors import DomainError
from shidian.core.forms import errors_as_messages
from shidian.core.http import AuthedHttpRequest
from shidian.core.uploads import attachment_response
from shidian.reporting import selectors, services
from shidian.reporting.forms import (
    AttachmentForm,
    TagForm,
)
from shidian.reporting.models import DifficultyTag
from shidian.reporting.views._common import _ministries


@login_required
@require_POST
def report_tags(request: AuthedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.get_pilot_report_for(user=request.user, report_id=report_id)
    try:
        if "remove" in request.POST:
            tag = DifficultyTag.objects.filter(report=report, pk=request.POST.get("remove") or 0).first()
            if tag is None:
                raise Http404
            services.remove_tag(tag=tag, by=request.user)
        else:
            form = TagForm(request.POST, ministries=_ministries())
            if not form.is_valid():
                errors_as_messages(request, form)
                return redirect("reporting:report", report_id=report.pk)
            services.add_tag(
                report=report,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                ministry_ids=form.cleaned_data["ministries"],
                by=request.user,
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("reporting:report", kwargs={"report_id": report.pk}) + "#tags")


@login_required
@require_POST
def report_attachments(request: AuthedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.get_pilot_report_for(user=request.user, report_id=report_id)
    try:
        if "remove" in request.POST:
            attachment = report.attachments.filter(pk=request.POST.get("remove") or 0, is_current=True).first()
            if attachment is None:
                raise Http404
            services.remove_attachment(attachment=attachment, by=request.user)
        else:
            form = AttachmentForm(request.POST, request.FILES)
            if not form.is_valid():
                errors_as_messages(request, form)
                return redirect("reporting:report", report_id=report.pk)
            upload = form.cleaned_data["file"]
            from shidian.reporting import uploads

            if upload.size > uploads.max_bytes():
                raise DomainError(
                    _("附件“%(name)s”超过大小上限（%(limit)d MB）。")
                    % {"name": upload.name, "limit": uploads.max_bytes() // (1024 * 1024)}
                )
            services.add_attachment(report=report, file_name=upload.name, content=upload.read(), by=request.user)
            messages.success(request, _("附件已上传。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("reporting:report", kwargs={"report_id": report.pk}) + "#attachments")


@login_required
@require_GET
def attachment_download(request: AuthedHttpRequest, attachment_id: int) -> HttpResponse:
    attachment = selectors.get_attachment_for(user=request.user, attachment_id=attachment_id)
    audit.record(
        action=audit.AuditAction.ATTACHMENT_DOWNLOADED,
        actor=request.user,
        obj=attachment,
        detail={"file": attachment.file_name},
    )
    # Typed by the content, never by the stored name or type.
    return attachment_response(bytes(attachment.content), file_name=attachment.file_name)
