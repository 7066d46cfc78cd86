"""Notice pages: the list, a new notice, one notice, its files and its document. Thin."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shidian.accounts.models import User
from shidian.core import listing, scoping, uploads
from shidian.core.audit_actions import AuditAction
from shidian.core.documents import render_docx, render_pdf
from shidian.core.errors import DomainError, NotFound
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Reach
from shidian.exchange import forms, permissions, selectors, services
from shidian.exchange.views.difficulties import _raisable_pilots
from shidian.pilots.models import PilotArea
from shidian.regions.models import Province


def _require_notices(request: AuthedHttpRequest) -> None:
    if not (permissions.can_send_notices(request.user) or permissions.can_read_notices(request.user)):
        raise NotFound


@login_required
@require_GET
def notices(request: AuthedHttpRequest) -> HttpResponse:
    _require_notices(request)
    rows = selectors.notices_with_counts(user=request.user)
    page, query = listing.page_of(request, rows)
    unread = set(selectors.unread_notices(user=request.user).values_list("pk", flat=True))
    return render(
        request,
        "exchange/notices.html",
        {
            "rows": page,
            "query": query,
            "unread": unread,
            "can_send": permissions.can_send_notices(request.user),
            "receiver": scoping.scope_for(request.user).reach is Reach.PILOT,
        },
    )


def _notice_choices(user: User) -> tuple[QuerySet[Province], QuerySet[PilotArea]]:
    provinces = scoping.restrict(Province.objects.order_by("code"), user, province_field="pk", pilot_field=None)
    pilots = _raisable_pilots(user)
    return provinces, pilots


@login_required
@require_http_methods(["GET", "POST"])
def new_notice(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_send_notices(request.user):
        raise NotFound
    provinces, pilots = _notice_choices(request.user)
    form = forms.NoticeForm(request.POST or None, request.FILES or None, provinces=provinces, pilots=pilots)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.send_notice(
                title=data["title"],
                body=data["body"],
                audience=data["audience"],
                batch=data["batch"],
                province=data["province"],
                pilots=list(data["pilots"]),
                as_document=data["as_document"],
                files=data["attachments"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("通知已发送至 %(n)d 个试点。") % {"n": notice.receipts.count()})
            return redirect("exchange:notice", notice_id=notice.pk)
    return render(request, "exchange/new_notice.html", {"form": form})


@login_required
@require_GET
def notice(request: AuthedHttpRequest, notice_id: int) -> HttpResponse:
    """One notice; its first opening by a recipient pilot's office is recorded as its read receipt."""
    _require_notices(request)
    item = selectors.get_notice_for(user=request.user, notice_id=notice_id)
    receipt = services.open_notice(notice=item, by=request.user)
    receipts = selectors.receipts_of(item) if permissions.sees_receipts(request.user, item) else None
    return render(
        request,
        "exchange/notice.html",
        {
            "notice": item,
            "receipt": receipt,
            "receipts": receipts,
            "read": [r for r in receipts if r.read_at] if receipts is not None else [],
            "unread": [r for r in receipts if not r.read_at] if receipts is not None else [],
            "files": item.files.only("pk", "file_name", "size"),
        },
    )


@login_required
@require_GET
def notice_file(request: AuthedHttpRequest, notice_id: int, file_id: int) -> HttpResponse:
    _require_notices(request)
    item = selectors.get_notice_for(user=request.user, notice_id=notice_id)
    stored = selectors.get_notice_file_for(notice=item, file_id=file_id)
    services.record_download(
        obj=item, by=request.user, file_name=stored.file_name, action=AuditAction.EXCHANGE_FILE_DOWNLOADED
    )
    return uploads.attachment_response(bytes(stored.content), file_name=stored.file_name)


@login_required
@require_GET
def notice_document(request: AuthedHttpRequest, notice_id: int, fmt: str) -> HttpResponse:
    """The notice as an official document (DOCX, or PDF from the same content)."""
    _require_notices(request)
    item = selectors.get_notice_for(user=request.user, notice_id=notice_id)
    if not item.as_document:
        raise NotFound
    document = services.notice_document(item)
    name = f"{item.document_number or item.title}.{fmt}"
    services.record_download(obj=item, by=request.user, file_name=name, action=AuditAction.NOTICE_DOWNLOADED)
    if fmt == "pdf":
        response = HttpResponse(render_pdf(document), content_type="application/pdf")
    else:
        response = HttpResponse(render_docx(document), content_type=uploads.DOCX.content_type)
    response["Content-Disposition"] = f"attachment; filename=\"notice.{fmt}\"; filename*=UTF-8''{quote(name)}"
    return response
