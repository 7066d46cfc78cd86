"""Contact pages: the list as of a day, its export, rounds, a province's answer (form, upload, submit). Thin.

Every page or file that shows contacts records an audit event (who looked at whose personal data, and when).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shidian.contacts import exports, forms, permissions, selectors, services
from shidian.contacts import upload as uploads
from shidian.contacts.models import PERSON_FIELDS, ContactEntry, ContactSubmission, SubmissionStatus
from shidian.core import audit, clock, listing, scoping
from shidian.core import uploads as core_uploads
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, ImportRejected, NotFound
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Reach
from shidian.pilots.models import PilotArea

XLSX = core_uploads.XLSX.content_type


def _require_view(request: AuthedHttpRequest) -> None:
    if not permissions.can_view_contacts(request.user):
        raise NotFound


def _download(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"contacts.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_GET
def contact_list(request: AuthedHttpRequest) -> HttpResponse:
    """The leaders and contact persons in force on a day (today by default)."""
    _require_view(request)
    filters = forms.ListForm(request.GET)
    day = filters.day(clock.today())
    province = filters.value("province")
    entries = selectors.contacts_on(user=request.user, day=day, province_id=province.pk if province else None)
    page, query = listing.page_of(request, entries)
    audit.record(
        action=AuditAction.CONTACT_LIST_VIEWED,
        actor=request.user,
        detail={"on": day, "province": province.name if province else None, "page": page.number},
    )
    return render(
        request,
        "contacts/list.html",
        {
            "filters": filters,
            "day": day,
            "rows": page,
            "query": query,
            "national": scoping.scope_for(request.user).is_national,
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def export_list(request: AuthedHttpRequest) -> HttpResponse:
    """The list in the annex-3 layout (the commission's national list; a province gets its own)."""
    _require_view(request)
    filters = forms.ListForm(request.GET)
    day = filters.day(clock.today())
    province = filters.value("province")
    entries = list(selectors.contacts_on(user=request.user, day=day, province_id=province.pk if province else None))
    content = exports.contact_list_xlsx(entries=entries, day=day)
    audit.record(
        action=AuditAction.CONTACT_LIST_EXPORTED,
        actor=request.user,
        detail={"on": day, "province": province.name if province else None, "rows": len(entries)},
    )
    return _download(content, _("试点工作负责人和联系人名单%(day)s.xlsx") % {"day": day.isoformat()})


@login_required
@require_GET
def rounds(request: AuthedHttpRequest) -> HttpResponse:
    _require_view(request)
    return render(
        request,
        "contacts/rounds.html",
        {
            "rounds": selectors.rounds_for(user=request.user),
            "can_manage": permissions.can_manage_rounds(request.user),
            "today": clock.today(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def open_round(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_manage_rounds(request.user):
        raise NotFound
    form = forms.RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.open_contact_round(
                title=form.cleaned_data["title"],
                batch_numbers=[b.number for b in form.cleaned_data["batches"]],
                changes_only=form.cleaned_data["changes_only"],
                due_on=form.cleaned_data["due_on"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已开启联系人报送轮次。"))
            return redirect("contacts:round", contact_round_id=created.pk)
    return render(request, "contacts/open_round.html", {"form": form})


@login_required
@require_GET
def round_detail(request: AuthedHttpRequest, contact_round_id: int) -> HttpResponse:
    """The commission's view of a round: which provinces are missing and late. A province goes to its answer."""
    contact_round = selectors.get_round(user=request.user, contact_round_id=contact_round_id)
    scope = scoping.scope_for(request.user)
    if not scope.is_national:
        # A province goes to its own answer; a round that asks nothing of it, or a pilot's user, finds nothing.
        province_id = scoping.own_province(request.user)
        if scope.reach is not Reach.PROVINCE or province_id is None:
            raise NotFound
        own = selectors.get_submission(user=request.user, contact_round_id=contact_round.pk, province_id=province_id)
        return redirect("contacts:submission", contact_round_id=own.round_id, province_id=own.province_id)
    progress = selectors.round_progress(user=request.user, contact_round=contact_round)
    return render(
        request,
        "contacts/round.html",
        {
            "round": contact_round,
            "progress": progress,
            "missing": sum(1 for r in progress if r.missing),
            "late": sum(1 for r in progress if r.late),
            "today": clock.today(),
        },
    )


def _submission(request: AuthedHttpRequest, contact_round_id: int, province_id: int) -> ContactSubmission:
    submission = selectors.get_submission(user=request.user, contact_round_id=contact_round_id, province_id=province_id)
    if scoping.scope_for(request.user).reach is Reach.PILOT:
        raise NotFound  # a pilot sees its own contacts in the list, not the province's whole answer
    return submission


@login_required
@require_GET
def submission(request: AuthedHttpRequest, contact_round_id: int, province_id: int) -> HttpResponse:
    sub = _submission(request, contact_round_id, province_id)
    rows = selectors.submission_rows(submission=sub)
    audit.record(action=AuditAction.CONTACT_LIST_VIEWED, actor=request.user, obj=sub, detail={"pilots": len(rows)})
    return render(
        request,
        "contacts/submission.html",
        {
            "submission": sub,
            "round": sub.round,
            "rows": rows,
            "complete": sum(1 for r in rows if r.complete),
            "can_edit": permissions.can_edit_submission(request.user, sub),
            "late": sub.is_late(clock.today()),
            "errors": [],
        },
    )


@login_required
@require_GET
def template(request: AuthedHttpRequest, contact_round_id: int, province_id: int) -> HttpResponse:
    """The province's pilots in the annex-3 layout, prefilled with their current contacts, to fill and upload."""
    sub = _submission(request, contact_round_id, province_id)
    rows = selectors.submission_rows(submission=sub)
    entries = [
        r.entry or ContactEntry(pilot=r.pilot, province=r.pilot.province, valid_from=clock.today()) for r in rows
    ]
    content = exports.contact_list_xlsx(entries=entries, day=clock.today())
    audit.record(action=AuditAction.CONTACT_LIST_EXPORTED, actor=request.user, obj=sub, detail={"rows": len(entries)})
    return _download(content, _("%(province)s负责人和联系人（附件3）.xlsx") % {"province": sub.province.name})


@login_required
@require_POST
def upload(request: AuthedHttpRequest, contact_round_id: int, province_id: int) -> HttpResponse:
    sub = _submission(request, contact_round_id, province_id)
    if not permissions.can_edit_submission(request.user, sub):
        raise NotFound
    file = request.FILES.get("file")
    errors: list[str] = []
    if file is None:
        errors = [_("请选择要上传的文件。")]
    else:
        try:
            changed = uploads.apply_upload(submission=sub, content=file.read(), by=request.user)
        except ImportRejected as rejected:
            errors = [str(e) for e in rejected.errors]
        except DomainError as exc:
            errors = [exc.message]
        else:
            messages.success(request, _("已导入，%(count)d 个试点的负责人或联系人有变动。") % {"count": changed})
            return redirect("contacts:submission", contact_round_id=contact_round_id, province_id=province_id)
    rows = selectors.submission_rows(submission=sub)
    return render(
        request,
        "contacts/submission.html",
        {
            "submission": sub,
            "round": sub.round,
            "rows": rows,
            "complete": sum(1 for r in rows if r.complete),
            "can_edit": True,
            "late": sub.is_late(clock.today()),
            "errors": errors,
        },
        status=422,
    )


@login_required
@require_POST
def submit(request: AuthedHttpRequest, contact_round_id: int, province_id: int) -> HttpResponse:
    """Submit once, after a confirm step that says what it does (the first POST shows it)."""
    sub = _submission(request, contact_round_id, province_id)
    if not permissions.can_edit_submission(request.user, sub):
        raise NotFound
    back = reverse("contacts:submission", kwargs={"contact_round_id": sub.round_id, "province_id": sub.province_id})
    if request.POST.get("confirmed") != "1":
        late = clock.today() > sub.round.due_on
        return render(
            request,
            "core/confirm.html",
            {
                "heading": _("确认报送：%(round)s · %(province)s") % {"round": sub.round, "province": sub.province},
                "recipient": _("国家发展改革委（发展规划司）"),
                "consequences": [
                    _("本省本轮的负责人和联系人报送国家发展改革委，只能报送一次。"),
                    _("此后的变动仍可修改，系统自修改之日起保存新版本。"),
                    *([_("已过报送截止日期，将记为逾期报送。")] if late else []),
                ],
                "action": reverse(
                    "contacts:submit", kwargs={"contact_round_id": sub.round_id, "province_id": sub.province_id}
                ),
                "hidden": [("confirmed", "1")],
                "button": _("确认报送"),
                "cancel": back,
            },
        )
    try:
        services.submit_contacts(submission=sub, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已报送国家发展改革委。此后的变动仍可修改，系统按日期保存新版本。"))
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def edit_pilot(request: AuthedHttpRequest, contact_round_id: int, province_id: int, pilot_id: int) -> HttpResponse:
    sub = _submission(request, contact_round_id, province_id)
    if not permissions.can_edit_submission(request.user, sub):
        raise NotFound
    pilot = scoping.get_for(PilotArea.objects.select_related("province", "batch"), request.user, pk=pilot_id)
    services.check_round_pilot(submission=sub, pilot=pilot)
    current = ContactEntry.objects.current().filter(pilot=pilot).first()
    initial: dict[str, Any] = {f: getattr(current, f) for f in PERSON_FIELDS} if current else {}
    form = forms.ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.record_contact(
                by=request.user, pilot=pilot, values=form.cleaned_data, contact_round=sub.round
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已保存%(pilot)s的负责人和联系人。") % {"pilot": pilot.name}
                if entry is not None
                else _("没有变动。"),
            )
            return redirect("contacts:submission", contact_round_id=contact_round_id, province_id=province_id)
    audit.record(action=AuditAction.CONTACT_LIST_VIEWED, actor=request.user, obj=pilot, detail={"form": True})
    return render(
        request,
        "contacts/edit.html",
        {
            "form": form,
            "pilot": pilot,
            "submission": sub,
            "round": sub.round,
            "current": current,
            "submitted": sub.status == SubmissionStatus.SUBMITTED,
        },
    )
