"""Warnings and elimination: decisions, rectification, a pilot's history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shidian.core import scoping
from shidian.core.errors import DomainError, NotFound
from shidian.core.forms import errors_as_messages
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability
from shidian.evaluation import selectors
from shidian.evaluation.forms import (
    DecisionForm,
    RectificationForm,
)
from shidian.evaluation.models import (
    EliminationProposal,
    Warning,
)
from shidian.evaluation.services import decisions as decision_services
from shidian.evaluation.views._common import require_view
from shidian.pilots.models import PilotArea


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
        errors_as_messages(request, form)
        return redirect("evaluation:decisions")
    args = {
        "approve": form.cleaned_data["decision"] == "approve",
        "reason": form.cleaned_data["reason"],
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
        errors_as_messages(request, form)
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
@require_GET
def pilot_results(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    """A pilot's evaluation history: published results, warnings and eliminations."""
    require_view(request)
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
