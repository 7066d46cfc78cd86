"""The inbox, its read marks, the e-mail preferences and (for the system admin) the mail queue. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shidian.core import listing
from shidian.core.errors import DomainError
from shidian.core.http import AuthedHttpRequest
from shidian.notifications import forms, selectors, services
from shidian.notifications.models import MailStatus
from shidian.notifications.registry import Kind


def _back_to_inbox(request: AuthedHttpRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    url = reverse("notifications:inbox")
    return redirect(f"{url}?{query}" if query and "//" not in query else url)


@login_required
@require_GET
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    """Everything that concerns the user, unread first; filter by kind or unread only."""
    filters = forms.InboxFilterForm(request.GET)
    kind, unread_only = filters.values()
    page, query = listing.page_of(request, selectors.inbox_for(user=request.user, kind=kind, unread_only=unread_only))
    counts = selectors.unread_by_kind(user=request.user)
    return render(
        request,
        "notifications/inbox.html",
        {
            "filters": filters,
            "rows": page,
            "query": query,
            "kind": kind,
            "kinds": [(value, label, counts.get(value, 0)) for value, label in Kind.choices],
            "unread": sum(counts.values()),
            "filter_query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def unread_badge(request: AuthedHttpRequest) -> HttpResponse:
    """The header's unread count (loaded by htmx after the page, so no page pays for it)."""
    return render(request, "notifications/_badge.html", {"unread": selectors.unread_count(user=request.user)})


@login_required
@require_POST
def open_notification(request: AuthedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark the notification read and go where it points."""
    notification = selectors.get_notification_for(user=request.user, notification_id=notification_id)
    services.mark_read(notification=notification, by=request.user)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read(request: AuthedHttpRequest, notification_id: int) -> HttpResponse:
    notification = selectors.get_notification_for(user=request.user, notification_id=notification_id)
    services.mark_read(notification=notification, by=request.user)
    return _back_to_inbox(request)


@login_required
@require_POST
def read_all(request: AuthedHttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    count = services.mark_all_read(by=request.user, kind=kind if kind in Kind.values else "")
    messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": count})
    return _back_to_inbox(request)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthedHttpRequest) -> HttpResponse:
    """Per kind: whether the user also gets an e-mail (the inbox always holds everything)."""
    wanted = services.email_wanted(user=request.user)
    form = forms.PreferencesForm(request.POST or None, wanted=wanted)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_email_preferences(user=request.user, wanted=form.wanted())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("邮件设置已保存。"))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_email": bool(request.user.email), "email_enabled": services.email_enabled()},
    )


@login_required
@require_GET
def mail_queue(request: AuthedHttpRequest) -> HttpResponse:
    """The outgoing e-mail, failed first, with the last error (system admin)."""
    status = request.GET.get("status", "")
    rows = selectors.mail_queue(user=request.user, status=status)
    page, query = listing.page_of(request, rows.select_related("recipient"))
    return render(
        request,
        "notifications/mail_queue.html",
        {"rows": page, "query": query, "status": status, "statuses": MailStatus.choices},
    )


@login_required
@require_POST
def mail_retry(request: AuthedHttpRequest, mail_id: int) -> HttpResponse:
    mail = selectors.get_mail_for(user=request.user, mail_id=mail_id)
    try:
        services.retry_mail(mail=mail, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已重新加入发送队列：%(to)s") % {"to": mail.to})
    return redirect("notifications:mail_queue")
