"""The scheme pages: the home page, a year's scheme and its rules, starting a run, experts, assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shidian.core import clock, listing, scoping
from shidian.core.errors import DomainError, NotFound
from shidian.core.forms import errors_as_messages
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability
from shidian.evaluation import selectors
from shidian.evaluation.forms import (
    AssessmentForm,
    AssignForm,
    NewSchemeForm,
    RulesForm,
    SchemeForm,
)
from shidian.evaluation.models import (
    ExpertAssignment,
)
from shidian.evaluation.services import experts, inputs, runs, schemes
from shidian.evaluation.views._common import manages, require_view


@login_required
@require_http_methods(["GET", "POST"])
def home(request: AuthedHttpRequest) -> HttpResponse:
    require_view(request)
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
            errors_as_messages(request, form)
    runs = selectors.visible_runs(user=request.user).order_by("-scheme__year", "-number")
    page, query = listing.page_of(request, runs)
    return render(
        request,
        "evaluation/home.html",
        {
            "schemes": selectors.schemes(),
            "runs": page,
            "query": query,
            "form": form if manages(request) else None,
            "assess": scoping.can(request.user, Capability.ASSESS_PILOTS),
            "desk": selectors.expert_desk(user=request.user, today=clock.today()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scheme(request: AuthedHttpRequest, year: int) -> HttpResponse:
    require_view(request)
    current = selectors.get_scheme(user=request.user, year=year)
    manage = manages(request)
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
            errors_as_messages(request, form)
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
        errors_as_messages(request, form)
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
        errors_as_messages(request, form)
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
            errors_as_messages(request, form)
    from shidian.evaluation.models import ProvinceAssessment

    given = {a.pilot_id: a for a in ProvinceAssessment.objects.filter(year=year, pilot__in=pilots)}
    return render(
        request,
        "evaluation/assess.html",
        {"year": year, "form": form, "rows": [(p, given.get(p.pk)) for p in pilots]},
    )
