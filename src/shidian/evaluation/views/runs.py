"""A run's pages: ranking, charts, sensitivity, coupling, publication, comparison, score cards, bulletin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shidian.core import formatting, listing, scoping
from shidian.core.errors import DomainError
from shidian.core.forms import errors_as_messages
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability, Reach, Role
from shidian.evaluation import analysis, selectors
from shidian.evaluation.filters import ResultFilter
from shidian.evaluation.forms import (
    AnswerForm,
    BulletinForm,
    ObjectionForm,
)
from shidian.evaluation.models import (
    BulletinStatus,
    DimensionCode,
    RunState,
    RunStatus,
)
from shidian.evaluation.services import bulletins, runs
from shidian.evaluation.services import decisions as decision_services
from shidian.evaluation.views._common import DOCX_TYPE, manages, require_view


def _filtered(request: AuthedHttpRequest, results: Any) -> tuple[Any, ResultFilter]:
    filters = ResultFilter(request.GET)
    if filters.value("province"):
        results = results.filter(pilot__province=filters.value("province"))
    if filters.value("batch"):
        results = results.filter(pilot__batch=filters.value("batch"))
    if filters.value("region"):
        results = results.filter(pilot__province__region=filters.value("region"))
    if filters.value("grade"):
        results = results.filter(grade=filters.value("grade"))
    return results, filters


@login_required
@require_GET
def run_detail(request: AuthedHttpRequest, run_id: int) -> HttpResponse:
    require_view(request)
    run = selectors.get_run_for(user=request.user, run_id=run_id)
    visible = selectors.visible_results(user=request.user, run=run)
    results, filters = _filtered(request, visible.order_by("rank_overall", "pilot__name"))
    page, query = listing.page_of(request, results)
    every = list(visible.order_by("rank_overall", "pilot_id"))
    manage = manages(request)
    charts = [
        (f"chart-{by}", analysis.bar_option(analysis.groups(every, by), title=title))
        for by, title in (("province", _("按省份")), ("batch", _("按批次")), ("region", _("按区域")))
    ]
    others = selectors.visible_runs(user=request.user).filter(scheme=run.scheme).exclude(pk=run.pk)
    coupled = analysis.coupling(run, [r.pilot_id for r in every], selectors.indicator_categories())
    sensitivity = (
        analysis.sensitivity(run, every, selectors.run_dimension_rows(run))
        if run.status == RunStatus.DRAFT and run.state == RunState.DONE
        else []
    )
    return render(
        request,
        "evaluation/run.html",
        {
            "run": run,
            "results": page,
            "query": query,
            "filters": filters,
            "manage": manage,
            "charts": charts,
            "groups": {by: analysis.groups(every, by) for by in ("province", "batch", "region")},
            "objections": list(selectors.objections_of(user=request.user, run=run)),
            "answer_form": AnswerForm() if manage else None,
            "others": list(others),
            "sensitivity": sensitivity,
            "unstable": [row for row in sensitivity if row.grade_may_change],
            "coupling": _coupling_summary(coupled),
            "bulletin": selectors.bulletin_of(run) if run.status == RunStatus.PUBLISHED else None,
            "bulletin_form": BulletinForm(initial=_bulletin_initial(run))
            if manage and run.status == RunStatus.PUBLISHED and not _bulletin_issued(run)
            else None,
        },
    )


def _own_scores_only(dimension: dict[str, Any], username: str) -> dict[str, Any]:
    """The innovation dimension with the other experts' rows left out (the mean they make stays)."""
    if dimension["code"] != "innovation":
        return dimension
    detail = dimension["detail"]
    mine = [e for e in detail.get("experts", []) if e.get("expert") == username]
    others = len(detail.get("experts", [])) - len(mine)
    return {**dimension, "detail": {**detail, "experts": mine, "others_hidden": others}}


def _with_indicator_texts(dimension: dict[str, Any], formats: dict[str, tuple[str, int]]) -> dict[str, Any]:
    """The indicators dimension with each value and target written with its indicator's decimals (core.formatting)."""
    if dimension["code"] != "indicators":
        return dimension

    def text(value: Any, code: str) -> str:
        if value is None:
            return ""
        if code not in formats:
            return formatting.decimal(value)
        value_type, decimals = formats[code]
        return formatting.indicator_value(value, value_type=value_type, decimals=decimals, with_unit=False)

    detail = dimension["detail"]
    rows = [
        {**row, "value_text": text(row.get("value"), row["code"]), "target_text": text(row.get("target"), row["code"])}
        for row in detail.get("indicators", [])
    ]
    return {**dimension, "detail": {**detail, "indicators": rows}}


def _coupling_summary(rows: dict[int, analysis.CouplingRow]) -> dict[str, Any] | None:
    if not rows:
        return None
    values = list(rows.values())
    return {
        "names": [str(_(name)) for name, _codes in analysis.COUPLING_PAIR],
        "count": len(values),
        "c": sum(r.c for r in values) / len(values),
        "d": sum(r.d for r in values) / len(values),
        "bands": analysis.coupling_bands(values),
    }


def _bulletin_issued(run: Any) -> bool:
    existing = selectors.bulletin_of(run)
    return existing is not None and existing.status == BulletinStatus.ISSUED


def _bulletin_initial(run: Any) -> dict[str, str]:
    existing = selectors.bulletin_of(run)
    if existing is not None:
        return {
            "title": existing.title,
            "experiences": existing.experiences,
            "problems": existing.problems,
        }
    return {"title": _("关于%(year)d年度国家新型城镇化综合试点评估情况的通报") % {"year": run.scheme.year}}


@login_required
@require_GET
def run_progress(request: AuthedHttpRequest, run_id: int) -> HttpResponse:
    require_view(request)
    run = selectors.get_run_for(user=request.user, run_id=run_id)
    return render(request, "evaluation/_run_progress.html", {"run": run, "fragment": True})


@login_required
@require_POST
def publish(request: AuthedHttpRequest, run_id: int) -> HttpResponse:
    scoping.require(request.user, Capability.MANAGE_EVALUATION)
    run = selectors.get_run_for(user=request.user, run_id=run_id)
    try:
        runs.publish_run(run=run, by=request.user)
        warnings, eliminations = decision_services.create_proposals(run=run, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("评估结果已发布；生成警示建议 %(w)d 条、退出建议 %(e)d 条，待决定。")
            % {"w": len(warnings), "e": len(eliminations)},
        )
    return redirect("evaluation:run", run_id=run.pk)


@login_required
@require_GET
def compare(request: AuthedHttpRequest, run_id: int, other_id: int) -> HttpResponse:
    require_view(request)
    new = selectors.get_run_for(user=request.user, run_id=run_id)
    old = selectors.get_run_for(user=request.user, run_id=other_id)
    moves = analysis.compare(
        old,
        new,
        selectors.visible_results(user=request.user, run=old),
        selectors.visible_results(user=request.user, run=new),
    )
    return render(request, "evaluation/compare.html", {"old": old, "new": new, "moves": moves})


@login_required
@require_GET
def result_detail(request: AuthedHttpRequest, result_id: int) -> HttpResponse:
    """A pilot's score card: breakdown, the rule behind each number, change from last year, objections."""
    require_view(request)
    result = selectors.get_result_for(user=request.user, result_id=result_id)
    previous = selectors.previous_result(result)
    previous_dims = {d["code"]: d for d in previous.breakdown["dimensions"]} if previous else {}
    rules = result.run.inputs.get("scheme", {}).get("rules", {})
    own_only = request.user.role == Role.EXPERT  # an expert sees the mean and their own scores, no one else's
    formats = selectors.indicator_formats()
    dims = [
        {
            **_with_indicator_texts(_own_scores_only(d, request.user.username) if own_only else d, formats),
            "label": DimensionCode(d["code"]).label,
            "rule": rules.get(d["code"], ""),
            "previous": previous_dims.get(d["code"]),
        }
        for d in result.breakdown.get("dimensions", [])
    ]
    coupled = analysis.coupling(result.run, [result.pilot_id], selectors.indicator_categories()).get(result.pilot_id)
    rescaled = "、".join(str(d["label"]) for d in dims if d.get("applicable") is False)
    can_object = (
        result.run.status == RunStatus.DRAFT
        and scoping.can(request.user, Capability.OBJECT_RESULTS)
        and scoping.sees(request.user, result, level=Reach.PROVINCE)
    )
    warnings, eliminations = selectors.pilot_decisions(pilot_id=result.pilot_id)
    return render(
        request,
        "evaluation/result.html",
        {
            "result": result,
            "run": result.run,
            "dims": dims,
            "rescaled": rescaled,
            "coupling": coupled,
            "coupling_names": [str(_(name)) for name, _codes in analysis.COUPLING_PAIR],
            "previous": previous,
            "objection_form": ObjectionForm() if can_object else None,
            "objections": list(result.objections.select_related("filed_by", "answered_by")),
            "history": selectors.pilot_history(user=request.user, pilot_id=result.pilot_id),
            "warnings": warnings,
            "eliminations": eliminations,
        },
    )


@login_required
@require_POST
def bulletin_save(request: AuthedHttpRequest, run_id: int) -> HttpResponse:
    scoping.require(request.user, Capability.MANAGE_EVALUATION)
    run = selectors.get_run_for(user=request.user, run_id=run_id)
    form = BulletinForm(request.POST)
    if form.is_valid():
        try:
            bulletins.save_bulletin(run=run, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("通报已保存。"))
    else:
        errors_as_messages(request, form)
    return redirect(reverse("evaluation:run", kwargs={"run_id": run.pk}) + "#bulletin")


@login_required
@require_POST
def bulletin_issue(request: AuthedHttpRequest, run_id: int) -> HttpResponse:
    scoping.require(request.user, Capability.MANAGE_EVALUATION)
    run = selectors.get_run_for(user=request.user, run_id=run_id)
    try:
        bulletin = bulletins.issue_bulletin(run=run, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("通报已印发，发文字号 %(number)s。") % {"number": bulletin.number})
    return redirect(reverse("evaluation:run", kwargs={"run_id": run.pk}) + "#bulletin")


@login_required
@require_GET
def bulletin_download(request: AuthedHttpRequest, run_id: int) -> HttpResponse:
    require_view(request)
    run = selectors.get_run_for(user=request.user, run_id=run_id)
    fmt = "pdf" if request.GET.get("format") == "pdf" else "docx"
    try:
        data, name = bulletins.bulletin_file(run=run, fmt=fmt, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:run", run_id=run.pk)
    from urllib.parse import quote

    response = HttpResponse(data, content_type="application/pdf" if fmt == "pdf" else DOCX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
