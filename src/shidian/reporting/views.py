"""Reporting pages. Thin: parse, call one service or selector, render."""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shidian.accounts.models import Organisation, OrganisationKind
from shidian.core import audit, clock, listing, scoping
from shidian.core.errors import DomainError
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability
from shidian.core.uploads import attachment_response
from shidian.reporting import documents, filters, permissions, richtext, selectors, services
from shidian.reporting.facts import fact_lines
from shidian.reporting.forms import (
    AttachmentForm,
    CommentForm,
    OpenReportForm,
    PilotDraftForm,
    RoundDuesForm,
    TagForm,
)
from shidian.reporting.models import SECTIONS, DifficultyTag, PilotReport, ProvinceReport

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(request: AuthedHttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else field
        messages.error(request, "%s：%s" % (label or "", "；".join(str(e) for e in errors)))  # noqa: UP031


def _ministries() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=OrganisationKind.MINISTRY).order_by("name"))


def _download(content: bytes, file_name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file_name)}"
    return response


def _format(request: AuthedHttpRequest) -> str:
    """The document format asked for: pdf, or docx (also for anything else, as before)."""
    return "pdf" if request.GET.get("format") == "pdf" else "docx"


def _document_response(document: documents.OfficialDocument, fmt: str) -> HttpResponse:
    if fmt == "pdf":
        return _download(documents.render_pdf(document), f"{document.title}.pdf", "application/pdf")
    return _download(documents.render_docx(document), f"{document.title}.docx", DOCX_TYPE)


# -- home --------------------------------------------------------------------------------------------


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


# -- rounds ------------------------------------------------------------------------------------------


@login_required
@require_POST
def round_dues(request: AuthedHttpRequest, round_id: int) -> HttpResponse:
    scoping.require(request.user, Capability.MANAGE_ROUNDS)
    reporting_round = selectors.get_round(round_id=round_id)
    form = RoundDuesForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
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


# -- pilot reports -----------------------------------------------------------------------------------


@login_required
@require_POST
def open_pilot_report(request: AuthedHttpRequest) -> HttpResponse:
    scoping.require(request.user, Capability.WRITE_PILOT_REPORT)
    form = OpenReportForm(request.POST)
    pilot = selectors.user_pilot(request.user)
    if not form.is_valid() or pilot is None:
        raise Http404
    reporting_round = selectors.get_round(round_id=form.cleaned_data["round"])
    report = services.open_pilot_report(pilot=pilot, reporting_round=reporting_round, by=request.user)
    return redirect("reporting:report", report_id=report.pk)


def _report_context(
    request: AuthedHttpRequest, report: PilotReport, form: PilotDraftForm | None = None
) -> dict[str, Any]:
    versions = selectors.versions_of(report)
    can_write = permissions.can_write_pilot_report(request.user, report)
    editable = can_write and report.is_editable
    if form is None:
        initial = {name: getattr(report, name) for name, _label, _guide in SECTIONS}
        form = PilotDraftForm(initial={**initial, "revision": report.revision})
    latest = versions[-1] if versions else None
    live_facts = None
    if editable:
        from shidian.reporting import facts

        live_facts = fact_lines(facts.pilot_facts(pilot=report.pilot, round=report.round))
    return {
        "report": report,
        "versions": versions,
        "latest": latest,
        "latest_facts": fact_lines(latest.facts) if latest else [],
        "live_facts": live_facts,
        "editable": editable,
        "can_review": permissions.can_review_pilot_report(request.user, report),
        "form": form,
        "tags": list(report.tags.prefetch_related("ministries")),
        "tag_form": TagForm(ministries=_ministries()) if editable else None,
        "attachment_form": AttachmentForm() if editable else None,
        "attachments": list(report.attachments.filter(is_current=True)),
        "comment_form": CommentForm(),
    }


@login_required
@require_GET
def report_detail(request: AuthedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.get_pilot_report_for(user=request.user, report_id=report_id)
    return render(request, "reporting/report.html", _report_context(request, report))


@login_required
@require_POST
def report_autosave(request: AuthedHttpRequest, report_id: int) -> HttpResponse:
    """Save the draft (htmx autosave or the save button); a conflict is shown, never overwritten."""
    report = selectors.get_pilot_report_for(user=request.user, report_id=report_id)
    form = PilotDraftForm(request.POST)
    htmx = bool(getattr(request, "htmx", False))
    status: dict[str, Any] = {"report": report}
    if not form.is_valid():
        status["error"] = "；".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        try:
            report = services.save_pilot_draft(
                report=report, revision=form.cleaned_data["revision"], sections=form.sections(), by=request.user
            )
        except services.EditConflict as exc:
            status["conflict"] = exc.message
        except DomainError as exc:
            status["error"] = exc.message
        else:
            status["saved_at"] = timezone.localtime(report.updated_at)
    status["report"] = report
    if htmx:
        # 200 even for a conflict: htmx swaps only successful responses, and the message must show.
        return render(request, "reporting/_autosave_status.html", status)
    if "conflict" in status:
        messages.error(request, status["conflict"])
        return render(request, "reporting/report.html", _report_context(request, report, form), status=409)
    if "error" in status:
        messages.error(request, status["error"])
    else:
        messages.success(request, _("草稿已保存。"))
    return redirect("reporting:report", report_id=report.pk)


@login_required
@require_POST
def report_submit(request: AuthedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.get_pilot_report_for(user=request.user, report_id=report_id)
    form = PilotDraftForm(request.POST)
    try:
        if form.is_valid() and form.sections():
            report = services.save_pilot_draft(
                report=report, revision=form.cleaned_data["revision"], sections=form.sections(), by=request.user
            )
        report = services.submit_pilot_report(report=report, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("报告已报送。"))
    return redirect("reporting:report", report_id=report.pk)


def _province_commission(province_id: int) -> str:
    office = Organisation.objects.filter(kind=OrganisationKind.PROVINCIAL_COMMISSION, province_id=province_id).first()
    return office.name if office else _("省级发展改革部门")


def _due_line(report: PilotReport) -> str:
    from shidian.core import clock, formatting

    today = clock.today()
    due = report.round.pilot_due
    if today > due:
        return _("报送期限是 %(due)s，今天报送将记为逾期报送（逾期 %(days)d 天）。") % {
            "due": formatting.date(due),
            "days": (today - due).days,
        }
    return _("报送期限是 %(due)s，今天报送记为按时报送。") % {"due": formatting.date(due)}


@login_required
@require_http_methods(["GET", "POST"])
def report_submit_confirm(request: AuthedHttpRequest, report_id: int) -> HttpResponse:
    """Say what submitting does and to whom before it happens (the draft is saved first)."""
    report = selectors.get_pilot_report_for(user=request.user, report_id=report_id)
    if not permissions.can_write_pilot_report(request.user, report) or not report.is_editable:
        raise Http404
    if request.method == "POST":
        form = PilotDraftForm(request.POST)
        try:
            if form.is_valid() and form.sections():
                report = services.save_pilot_draft(
                    report=report, revision=form.cleaned_data["revision"], sections=form.sections(), by=request.user
                )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("reporting:report", report_id=report.pk)
    number = report.versions.count() + 1
    return render(
        request,
        "core/confirm.html",
        {
            "heading": _("确认报送：%(pilot)s %(round)s") % {"pilot": report.pilot.name, "round": report.round},
            "recipient": _province_commission(report.pilot.province_id),
            "consequences": [
                _("草稿将固定为第 %(n)d 版，报送给省级发展改革部门审核。") % {"n": number},
                _("报送后不能再修改，除非省级退回。"),
                _("工作方案和监测数据的当前情况随报告一起固定下来。"),
                _due_line(report),
            ],
            "action": reverse("reporting:report_submit", kwargs={"report_id": report.pk}),
            "hidden": [],
            "button": _("确认报送"),
            "cancel": reverse("reporting:report", kwargs={"report_id": report.pk}),
        },
    )


@login_required
@require_POST
def report_review_confirm(request: AuthedHttpRequest, report_id: int) -> HttpResponse:
    """Say what accepting or returning does and to whom before it happens."""
    report = selectors.get_pilot_report_for(user=request.user, report_id=report_id)
    if not permissions.can_review_pilot_report(request.user, report):
        raise Http404
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    decision = request.POST.get("decision")
    target = {"pilot": report.pilot.name, "round": report.round}
    if decision == "return":
        if not comment.strip():
            messages.error(request, _("退回时请填写意见。"))
            return redirect("reporting:report", report_id=report.pk)
        heading = _("确认退回：%(pilot)s %(round)s") % target
        consequences = [
            _("报告退回给试点修改，试点会在工作台最上方看到您的意见。"),
            _("试点修改后重新报送，形成新的版本。"),
        ]
        action, button = reverse("reporting:report_return", kwargs={"report_id": report.pk}), _("确认退回")
    elif decision == "accept":
        heading = _("确认接收：%(pilot)s %(round)s") % target
        consequences = [
            _("报告被接收，之后不能再退回或修改。"),
            _("接收的报告汇入本省报告。"),
        ]
        action, button = reverse("reporting:report_accept", kwargs={"report_id": report.pk}), _("确认接收")
    else:
        raise Http404
    return render(
        request,
        "core/confirm.html",
        {
            "heading": heading,
            "recipient": report.pilot.name,
            "consequences": consequences,
            "comment": comment,
            "action": action,
            "hidden": [("comment", comment)],
            "button": button,
            "cancel": reverse("reporting:report", kwargs={"report_id": report.pk}),
        },
    )


@login_required
@require_POST
def report_return(request: AuthedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.get_pilot_report_for(user=request.user, report_id=report_id)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.return_pilot_report(report=report, comment=comment, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("报告已退回。"))
    return redirect("reporting:report", report_id=report.pk)


@login_required
@require_POST
def report_accept(request: AuthedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.get_pilot_report_for(user=request.user, report_id=report_id)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.accept_pilot_report(report=report, comment=comment, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("报告已接收。"))
    return redirect("reporting:report", report_id=report.pk)


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
                _errors(request, form)
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
                _errors(request, form)
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


@login_required
@require_GET
def report_compare(request: AuthedHttpRequest, report_id: int) -> HttpResponse:
    """Compare two versions section by section (default: the latest with the one before)."""
    report = selectors.get_pilot_report_for(user=request.user, report_id=report_id)
    versions = {v.number: v for v in selectors.versions_of(report)}
    if len(versions) < 2:
        messages.info(request, _("只有一个版本，无可比较。"))
        return redirect("reporting:report", report_id=report.pk)
    try:
        new = int(request.GET.get("b") or max(versions))
        old = int(request.GET.get("a") or new - 1)
    except ValueError as exc:
        raise Http404 from exc
    if old not in versions or new not in versions:
        raise Http404
    sections = []
    for name, label, _guide in SECTIONS:
        before = richtext.to_text(getattr(versions[old], name)).splitlines()
        after = richtext.to_text(getattr(versions[new], name)).splitlines()
        table = difflib.HtmlDiff(wrapcolumn=40).make_table(
            before, after, fromdesc=_("第 %(n)d 版") % {"n": old}, todesc=_("第 %(n)d 版") % {"n": new}
        )
        sections.append({"label": label, "changed": before != after, "table": table})
    return render(
        request,
        "reporting/compare.html",
        {
            "report": report,
            "old": versions[old],
            "new": versions[new],
            "sections": sections,
            "numbers": sorted(versions),
        },
    )


@login_required
@require_GET
def version_download(request: AuthedHttpRequest, version_id: int) -> HttpResponse:
    version = selectors.get_version_for(user=request.user, version_id=version_id)
    fmt = _format(request)
    audit.record(action=audit.AuditAction.REPORT_DOWNLOADED, actor=request.user, obj=version, detail={"format": fmt})
    return _document_response(documents.pilot_report_document(version), fmt)


# -- province reports --------------------------------------------------------------------------------


@login_required
@require_POST
def open_province_report(request: AuthedHttpRequest) -> HttpResponse:
    scoping.require(request.user, Capability.REVIEW_PILOT_REPORTS)
    form = OpenReportForm(request.POST)
    scope = scoping.scope_for(request.user)
    if not form.is_valid() or not scope.provinces:
        raise Http404
    from shidian.regions.models import Province

    province = Province.objects.get(pk=next(iter(scope.provinces)))
    reporting_round = selectors.get_round(round_id=form.cleaned_data["round"])
    report = services.open_province_report(province=province, reporting_round=reporting_round, by=request.user)
    return redirect("reporting:province_report", province_report_id=report.pk)


def _province_context(request: AuthedHttpRequest, report: ProvinceReport) -> dict[str, Any]:
    versions = selectors.province_versions_of(report)
    return {
        "report": report,
        "versions": versions,
        "latest": versions[-1] if versions else None,
        "editable": permissions.can_write_province_report(request.user, report) and report.is_editable,
        "can_review": permissions.can_review_province_report(request.user),
        "is_sender": permissions.can_write_province_report(request.user, report),
        "copies": selectors.copies_sent(report) if versions else [],
        "comment_form": CommentForm(),
    }


@login_required
@require_GET
def province_report_detail(request: AuthedHttpRequest, province_report_id: int) -> HttpResponse:
    report = selectors.get_province_report_for(user=request.user, report_id=province_report_id)
    return render(request, "reporting/province_report.html", _province_context(request, report))


def _province_fields(request: AuthedHttpRequest) -> tuple[int, dict[str, str], dict[int, str]]:
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError as exc:
        raise DomainError(_("缺少修订号，请刷新页面。")) from exc
    fields = {name: request.POST[name] for name in services.PROVINCE_FIELDS if name in request.POST}
    pilot_texts: dict[int, str] = {}
    for key in request.POST:
        if key.startswith("pilot_") and key[6:].isdigit():
            pilot_texts[int(key[6:])] = request.POST.get(key, "")
    return revision, fields, pilot_texts


@login_required
@require_POST
def province_report_save(request: AuthedHttpRequest, province_report_id: int) -> HttpResponse:
    report = selectors.get_province_report_for(user=request.user, report_id=province_report_id)
    action = request.POST.get("action", "save")
    try:
        revision, fields, pilot_texts = _province_fields(request)
        if action == "reassemble":
            report = services.reassemble_province_report(report=report, revision=revision, by=request.user)
            messages.success(request, _("已按最新接收的试点报告重新汇总。"))
        else:
            report = services.save_province_draft(
                report=report, revision=revision, fields=fields, pilot_texts=pilot_texts, by=request.user
            )
            if action == "submit":
                return _province_submit_confirm(request, report)
            messages.success(request, _("草稿已保存。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reporting:province_report", province_report_id=report.pk)


def _province_submit_confirm(request: AuthedHttpRequest, report: ProvinceReport) -> HttpResponse:
    from shidian.core import clock, formatting

    today = clock.today()
    due = report.round.province_due
    timing = (
        _("报送期限是 %(due)s，今天报送将记为逾期报送（逾期 %(days)d 天）。")
        % {"due": formatting.date(due), "days": (today - due).days}
        if today > due
        else _("报送期限是 %(due)s，今天报送记为按时报送。") % {"due": formatting.date(due)}
    )
    return render(
        request,
        "core/confirm.html",
        {
            "heading": _("确认报送：%(province)s %(round)s")
            % {"province": report.province.name, "round": report.round},
            "recipient": _("国家发展改革委（发展规划司），抄送各有关部门"),
            "consequences": [
                _("草稿将固定为第 %(n)d 版，报送国家发展改革委。") % {"n": report.versions.count() + 1},
                _("同时抄送各有关部门，各部门可以阅读并留下阅读回执。"),
                _("报送后不能再修改，除非国家发展改革委退回。"),
                timing,
            ],
            "action": reverse("reporting:province_report_submit", kwargs={"province_report_id": report.pk}),
            "hidden": [],
            "button": _("确认报送"),
            "cancel": reverse("reporting:province_report", kwargs={"province_report_id": report.pk}),
        },
    )


@login_required
@require_POST
def province_report_submit(request: AuthedHttpRequest, province_report_id: int) -> HttpResponse:
    report = selectors.get_province_report_for(user=request.user, report_id=province_report_id)
    try:
        report = services.submit_province_report(report=report, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("省级报告已报送国家发展改革委，并抄送各部门。"))
    return redirect("reporting:province_report", province_report_id=report.pk)


@login_required
@require_POST
def province_report_review(request: AuthedHttpRequest, province_report_id: int) -> HttpResponse:
    report = selectors.get_province_report_for(user=request.user, report_id=province_report_id)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if not request.POST.get("confirmed"):
        return _province_review_confirm(request, report, comment)
    try:
        if request.POST.get("action") == "return":
            services.return_province_report(report=report, comment=comment, by=request.user)
            messages.success(request, _("省级报告已退回。"))
        else:
            services.acknowledge_province_report(report=report, comment=comment, by=request.user)
            messages.success(request, _("省级报告已确认收悉。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reporting:province_report", province_report_id=report.pk)


def _province_review_confirm(request: AuthedHttpRequest, report: ProvinceReport, comment: str) -> HttpResponse:
    """Say what acknowledging or returning a province report does and to whom before it happens."""
    if not permissions.can_review_province_report(request.user):
        raise Http404
    action = request.POST.get("action")
    target = {"province": report.province.name, "round": report.round}
    if action == "return":
        if not comment.strip():
            messages.error(request, _("退回时请填写意见。"))
            return redirect("reporting:province_report", province_report_id=report.pk)
        heading = _("确认退回：%(province)s %(round)s") % target
        consequences = [_("省级报告退回修改，省级发展改革部门会在工作台看到您的意见，修改后重新报送。")]
        button = _("确认退回")
    else:
        action = "acknowledge"
        heading = _("确认收悉：%(province)s %(round)s") % target
        consequences = [_("省级报告确认收悉，之后不能再退回或修改。")]
        button = _("确认收悉")
    return render(
        request,
        "core/confirm.html",
        {
            "heading": heading,
            "recipient": _province_commission(report.province_id),
            "consequences": consequences,
            "comment": comment,
            "action": reverse("reporting:province_report_review", kwargs={"province_report_id": report.pk}),
            "hidden": [("action", action), ("comment", comment), ("confirmed", "1")],
            "button": button,
            "cancel": reverse("reporting:province_report", kwargs={"province_report_id": report.pk}),
        },
    )


@login_required
@require_GET
def province_version_download(request: AuthedHttpRequest, province_version_id: int) -> HttpResponse:
    from shidian.reporting.models import ProvinceReportVersion

    version = ProvinceReportVersion.objects.select_related("report").filter(pk=province_version_id).first()
    if version is None:
        raise Http404
    selectors.get_province_report_for(user=request.user, report_id=version.report_id)
    fmt = _format(request)
    audit.record(
        action=audit.AuditAction.PROVINCE_REPORT_DOWNLOADED, actor=request.user, obj=version, detail={"format": fmt}
    )
    return _document_response(documents.province_report_document(version), fmt)


# -- ministry copies ---------------------------------------------------------------------------------


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


# -- completeness ------------------------------------------------------------------------------------


@login_required
@require_GET
def matrix(request: AuthedHttpRequest) -> HttpResponse:
    data = selectors.completeness_matrix(user=request.user)
    if request.GET.get("format") == "xlsx":
        stamp = clock.today().isoformat()
        audit.record(action=audit.AuditAction.MATRIX_EXPORTED, actor=request.user, detail={"format": "xlsx"})
        return _download(documents.matrix_xlsx(data), _("报告报送情况-%(date)s.xlsx") % {"date": stamp}, XLSX_TYPE)
    return render(request, "reporting/matrix.html", {"matrix": data, "states": selectors.CELL_LABELS})
