"""A province's report: open, save, submit with confirmation, the commission's review, download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shidian.accounts import selectors as account_selectors
from shidian.core import audit, clock, scoping
from shidian.core.errors import DomainError
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability
from shidian.reporting import documents, permissions, selectors, services
from shidian.reporting.forms import (
    CommentForm,
    OpenReportForm,
)
from shidian.reporting.models import ProvinceReport
from shidian.reporting.views._common import _document_response, _format


@login_required
@require_POST
def open_province_report(request: AuthedHttpRequest) -> HttpResponse:
    scoping.require(request.user, Capability.REVIEW_PILOT_REPORTS)
    form = OpenReportForm(request.POST)
    province_id = scoping.own_province(request.user)
    if not form.is_valid() or province_id is None:
        raise Http404
    from shidian.regions.models import Province

    province = Province.objects.get(pk=province_id)
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
    from shidian.core import formatting

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
            "recipient": account_selectors.province_commission_name(report.province_id),
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
