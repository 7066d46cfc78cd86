"""Evaluation pages. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shidian.core import listing, scoping
from shidian.core.errors import DomainError, NotFound
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability, Reach, Role
from shidian.core.uploads import attachment_response
from shidian.evaluation import analysis, selectors
from shidian.evaluation.filters import ResultFilter
from shidian.evaluation.forms import (
    AnswerForm,
    AssessmentForm,
    AssignForm,
    BulletinForm,
    DecisionForm,
    ExpertScoreForm,
    NewSchemeForm,
    ObjectionForm,
    RectificationForm,
    RulesForm,
    SchemeForm,
)
from shidian.evaluation.models import (
    DimensionCode,
    EliminationProposal,
    ExpertAssignment,
    RunState,
    RunStatus,
    Warning,
)
from shidian.evaluation.services import bulletins, experts, inputs, objections, runs, schemes
from shidian.evaluation.services import decisions as decision_services
from shidian.pilots.models import PilotArea

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _view(request: AuthedHttpRequest) -> None:
    scoping.require(request.user, Capability.VIEW_EVALUATION)


def _errors(request: AuthedHttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        messages.error(request, "%s：%s" % (label or "", "；".join(str(e) for e in errors)))  # noqa: UP031


def _manages(request: AuthedHttpRequest) -> bool:
    return scoping.can(request.user, Capability.MANAGE_EVALUATION)


@login_required
@require_http_methods(["GET", "POST"])
def home(request: AuthedHttpRequest) -> HttpResponse:
    _view(request)
    form = NewSchemeForm(request.POST or None)
    if request.method == "POST":
        scoping.require(request.user, Capability.MANAGE_EVALUATION)
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                previous = selectors.schemes()
                copy_from = next((s for s in previous if s.year < year), None)
                schemes.create_scheme(year=year, by=request.user, copy_from=copy_from)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("评估方案已建立。"))
                return redirect("evaluation:scheme", year=year)
        else:
            _errors(request, form)
    runs = selectors.visible_runs(user=request.user).order_by("-scheme__year", "-number")
    page, query = listing.page_of(request, runs)
    return render(
        request,
        "evaluation/home.html",
        {
            "schemes": selectors.schemes(),
            "runs": page,
            "query": query,
            "form": form if _manages(request) else None,
            "assess": scoping.can(request.user, Capability.ASSESS_PILOTS),
            "assignments": selectors.assignments_of(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scheme(request: AuthedHttpRequest, year: int) -> HttpResponse:
    _view(request)
    current = selectors.get_scheme(user=request.user, year=year)
    manage = _manages(request)
    form = SchemeForm(request.POST or None, scheme=current)
    if request.method == "POST":
        scoping.require(request.user, Capability.MANAGE_EVALUATION)
        if form.is_valid():
            try:
                schemes.update_scheme(
                    scheme=current,
                    weights=form.weights(),
                    thresholds=form.thresholds(),
                    indicator_method=form.cleaned_data["indicator_method"],
                    composite_method=form.cleaned_data["composite_method"],
                    scoring_opens_on=form.cleaned_data["scoring_opens_on"],
                    scoring_closes_on=form.cleaned_data["scoring_closes_on"],
                    objection_days=form.cleaned_data["objection_days"],
                    by=request.user,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("评估方案已保存。"))
                return redirect("evaluation:scheme", year=year)
        else:
            _errors(request, form)
    assignments = ExpertAssignment.objects.filter(year=year).select_related("expert", "pilot__province")
    return render(
        request,
        "evaluation/scheme.html",
        {
            "scheme": current,
            "dimensions": list(current.dimensions.all()),
            "form": form if manage and current.status == "draft" else None,
            "rules_form": RulesForm(scheme=current) if manage and current.status == "draft" else None,
            "assign_form": AssignForm(pilots=inputs.evaluated_pilots(year)) if manage else None,
            "assignments": list(assignments) if manage else [],
            "manage": manage,
            "runs": selectors.visible_runs(user=request.user).filter(scheme=current).order_by("-number"),
        },
    )


@login_required
@require_POST
def scheme_rules(request: AuthedHttpRequest, year: int) -> HttpResponse:
    """Change the year's warning and elimination rules (the national admin; refused once the scheme is frozen)."""
    scoping.require(request.user, Capability.MANAGE_EVALUATION)
    current = selectors.get_scheme(user=request.user, year=year)
    form = RulesForm(request.POST, scheme=current)
    if form.is_valid():
        try:
            schemes.update_rules(scheme=current, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("预警与退出规则已保存。"))
    else:
        _errors(request, form)
    return redirect(reverse("evaluation:scheme", kwargs={"year": year}) + "#rules")


@login_required
@require_POST
def start_run(request: AuthedHttpRequest, year: int) -> HttpResponse:
    scoping.require(request.user, Capability.MANAGE_EVALUATION)
    current = selectors.get_scheme(user=request.user, year=year)
    try:
        run = runs.start_run(scheme=current, by=request.user, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:scheme", year=year)
    messages.success(request, _("已开始计算。"))
    return redirect("evaluation:run", run_id=run.pk)


@login_required
@require_POST
def assign(request: AuthedHttpRequest, year: int) -> HttpResponse:
    scoping.require(request.user, Capability.MANAGE_EVALUATION)
    current = selectors.get_scheme(user=request.user, year=year)
    form = AssignForm(request.POST, pilots=inputs.evaluated_pilots(year))
    if form.is_valid():
        try:
            experts.assign_expert(
                expert=form.cleaned_data["expert"], pilot=form.cleaned_data["pilot"], scheme=current, by=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("专家已分配。"))
    else:
        _errors(request, form)
    return redirect(reverse("evaluation:scheme", kwargs={"year": year}) + "#experts")


@login_required
@require_http_methods(["GET", "POST"])
def assess(request: AuthedHttpRequest) -> HttpResponse:
    """The province's assessment of its pilots for a year (``?year=``, the latest scheme's by default)."""
    scoping.require(request.user, Capability.ASSESS_PILOTS)
    try:
        year = int(request.GET.get("year") or max((s.year for s in selectors.schemes()), default=0))
    except ValueError as exc:
        raise NotFound from exc
    if not year:
        raise NotFound
    pilots = scoping.restrict(inputs.evaluated_pilots(year), request.user)
    form = AssessmentForm(request.POST or None, pilots=pilots)
    if request.method == "POST":
        if form.is_valid():
            try:
                experts.set_province_assessment(
                    pilot=form.cleaned_data["pilot"],
                    year=year,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("省级评价已保存。"))
                return redirect(reverse("evaluation:assess") + f"?year={year}")
        else:
            _errors(request, form)
    from shidian.evaluation.models import ProvinceAssessment

    given = {a.pilot_id: a for a in ProvinceAssessment.objects.filter(year=year, pilot__in=pilots)}
    return render(
        request,
        "evaluation/assess.html",
        {"year": year, "form": form, "rows": [(p, given.get(p.pk)) for p in pilots]},
    )


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
    _view(request)
    run = selectors.get_run_for(user=request.user, run_id=run_id)
    visible = selectors.visible_results(user=request.user, run=run)
    results, filters = _filtered(request, visible.order_by("rank_overall", "pilot__name"))
    page, query = listing.page_of(request, results)
    every = list(visible.order_by("rank_overall", "pilot_id"))
    manage = _manages(request)
    charts = [
        (f"chart-{by}", analysis.bar_option(analysis.groups(every, by), title=title))
        for by, title in (("province", _("按省份")), ("batch", _("按批次")), ("region", _("按区域")))
    ]
    others = selectors.visible_runs(user=request.user).filter(scheme=run.scheme).exclude(pk=run.pk)
    coupled = analysis.coupling(every, selectors.indicator_categories())
    sensitivity = (
        analysis.sensitivity(run, every) if run.status == RunStatus.DRAFT and run.state == RunState.DONE else []
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
            if manage and run.status == RunStatus.PUBLISHED
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


def _bulletin_initial(run: Any) -> dict[str, str]:
    existing = selectors.bulletin_of(run)
    if existing is not None:
        return {
            "number": existing.number,
            "title": existing.title,
            "experiences": existing.experiences,
            "problems": existing.problems,
        }
    return {"title": _("关于%(year)d年度国家新型城镇化综合试点评估情况的通报") % {"year": run.scheme.year}}


@login_required
@require_GET
def run_progress(request: AuthedHttpRequest, run_id: int) -> HttpResponse:
    _view(request)
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
    _view(request)
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
    _view(request)
    result = selectors.get_result_for(user=request.user, result_id=result_id)
    previous = selectors.previous_result(result)
    previous_dims = {d["code"]: d for d in previous.breakdown["dimensions"]} if previous else {}
    rules = result.run.inputs.get("scheme", {}).get("rules", {})
    own_only = request.user.role == Role.EXPERT  # an expert sees the mean and their own scores, no one else's
    dims = [
        {
            **(_own_scores_only(d, request.user.username) if own_only else d),
            "label": DimensionCode(d["code"]).label,
            "rule": rules.get(d["code"], ""),
            "previous": previous_dims.get(d["code"]),
        }
        for d in result.breakdown.get("dimensions", [])
    ]
    coupled = analysis.coupling([result], selectors.indicator_categories()).get(result.pilot_id)
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
def object_to(request: AuthedHttpRequest, result_id: int) -> HttpResponse:
    scoping.require(request.user, Capability.OBJECT_RESULTS)
    result = selectors.get_result_for(user=request.user, result_id=result_id)
    form = ObjectionForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["evidence"]
        try:
            objections.file_objection(
                result=result,
                reasons=form.cleaned_data["reasons"],
                evidence=upload.read() if upload else None,
                evidence_name=upload.name if upload else "",
                by=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("异议已提交，等待国家发展改革委答复。"))
    else:
        _errors(request, form)
    return redirect("evaluation:result", result_id=result.pk)


@login_required
@require_POST
def answer(request: AuthedHttpRequest, objection_id: int) -> HttpResponse:
    scoping.require(request.user, Capability.MANAGE_EVALUATION)
    objection = selectors.get_objection_for(user=request.user, objection_id=objection_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            objections.answer_objection(objection=objection, answer=form.cleaned_data["answer"], by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("异议已答复。"))
    else:
        _errors(request, form)
    return redirect(reverse("evaluation:run", kwargs={"run_id": objection.result.run_id}) + "#objections")


@login_required
@require_GET
def evidence(request: AuthedHttpRequest, objection_id: int) -> HttpResponse:
    objection = selectors.get_objection_for(user=request.user, objection_id=objection_id)
    if not objection.evidence:
        raise NotFound
    return attachment_response(bytes(objection.evidence), file_name=objection.evidence_name)


@login_required
@require_http_methods(["GET", "POST"])
def score(request: AuthedHttpRequest, assignment_id: int) -> HttpResponse:
    """The expert's scoring form for one assigned pilot."""
    scoping.require(request.user, Capability.SCORE_EVALUATION)
    assignment = selectors.get_assignment_for(user=request.user, assignment_id=assignment_id)
    from shidian.evaluation.models import Scheme

    current = Scheme.objects.filter(year=assignment.year).first()
    top = current.max_expert_score if current else 100
    existing = {s.item: s for s in assignment.scores.all()}
    initial: dict[str, Any] = {"comment": assignment.comment}
    for item, s in existing.items():
        initial[f"score_{item}"] = s.score
        initial[f"comment_{item}"] = s.comment
    form = ExpertScoreForm(request.POST or None, initial=initial, top=top)
    if request.method == "POST":
        if form.is_valid():
            try:
                experts.save_expert_scores(
                    assignment=assignment,
                    scores=form.scores(),
                    comments=form.comments(),
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("评分已保存。"))
                return redirect("evaluation:score", assignment_id=assignment.pk)
        else:
            _errors(request, form)
    return render(request, "evaluation/score.html", {"assignment": assignment, "form": form})


@login_required
@require_GET
def decisions(request: AuthedHttpRequest) -> HttpResponse:
    scoping.require(request.user, Capability.MANAGE_EVALUATION)
    warnings, eliminations = selectors.pending_decisions(user=request.user)
    decided_w = Warning.objects.exclude(status="proposed").select_related("pilot__province", "decided_by")
    rectifying = [w for w in decided_w if w.rectification == "pending"]
    decided_e = EliminationProposal.objects.exclude(status="proposed").select_related("pilot__province", "decided_by")
    return render(
        request,
        "evaluation/decisions.html",
        {
            "warnings": warnings,
            "eliminations": eliminations,
            "decided": [*decided_w, *decided_e],
            "rectifying": rectifying,
            "form": DecisionForm(),
            "rectification_form": RectificationForm(),
        },
    )


@login_required
@require_POST
def decide(request: AuthedHttpRequest, kind: str, proposal_id: int) -> HttpResponse:
    scoping.require(request.user, Capability.MANAGE_EVALUATION)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("evaluation:decisions")
    args = {
        "approve": form.cleaned_data["decision"] == "approve",
        "reason": form.cleaned_data["reason"],
        "document_number": form.cleaned_data["document_number"],
        "by": request.user,
    }
    try:
        if kind == "warning":
            warning = scoping.get_for(Warning.objects.all(), request.user, pk=proposal_id)
            decision_services.decide_warning(warning=warning, **args)
        elif kind == "elimination":
            proposal = scoping.get_for(EliminationProposal.objects.all(), request.user, pk=proposal_id)
            decision_services.decide_elimination(proposal=proposal, **args)
        else:
            raise NotFound
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("决定已记录。"))
    return redirect("evaluation:decisions")


@login_required
@require_POST
def rectification(request: AuthedHttpRequest, warning_id: int) -> HttpResponse:
    scoping.require(request.user, Capability.MANAGE_EVALUATION)
    warning = scoping.get_for(Warning.objects.all(), request.user, pk=warning_id)
    form = RectificationForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("evaluation:decisions")
    try:
        decision_services.record_rectification(
            warning=warning,
            passed=form.cleaned_data["outcome"] == "passed",
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("整改结果已登记。"))
    return redirect("evaluation:decisions")


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
        _errors(request, form)
    return redirect(reverse("evaluation:run", kwargs={"run_id": run.pk}) + "#bulletin")


@login_required
@require_GET
def bulletin_download(request: AuthedHttpRequest, run_id: int) -> HttpResponse:
    _view(request)
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


@login_required
@require_GET
def pilot_results(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    """A pilot's evaluation history: published results, warnings and eliminations."""
    _view(request)
    pilot = scoping.get_for(PilotArea.objects.select_related("province", "batch"), request.user, pk=pilot_id)
    warnings, eliminations = selectors.pilot_decisions(pilot_id=pilot.pk)
    return render(
        request,
        "evaluation/pilot.html",
        {
            "pilot": pilot,
            "history": selectors.pilot_history(user=request.user, pilot_id=pilot.pk),
            "warnings": warnings,
            "eliminations": eliminations,
            "status_changes": pilot.status_changes.select_related("decided_by").order_by("effective_on", "id"),
        },
    )
