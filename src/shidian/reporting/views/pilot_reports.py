"""A pilot's report: open, edit (autosave), submit with confirmation, review, compare versions, download."""

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

from shidian.accounts import selectors as account_selectors
from shidian.core import audit, clock, scoping
from shidian.core.errors import DomainError
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability
from shidian.reporting import documents, permissions, richtext, selectors, services
from shidian.reporting.facts import fact_lines
from shidian.reporting.forms import (
    AttachmentForm,
    CommentForm,
    OpenReportForm,
    PilotDraftForm,
    TagForm,
)
from shidian.reporting.models import SECTIONS, PilotReport
from shidian.reporting.views._common import _document_response, _format, _ministries


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
    htmx = bool(request.htmx)
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


def _due_line(report: PilotReport) -> str:
    from shidian.core import formatting

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
            "recipient": account_selectors.province_commission_name(report.pilot.province_id),
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
