"""The expert's scoring form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shidian.core import clock, scoping
from shidian.core.errors import DomainError
from shidian.core.forms import errors_as_messages
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability
from shidian.evaluation import selectors
from shidian.evaluation.forms import (
    ExpertScoreForm,
)
from shidian.evaluation.services import experts


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
    today = clock.today()
    window_open = assignment.opens_on <= today <= assignment.closes_on
    if not window_open:
        for field in form.fields.values():
            field.disabled = True  # shown for reference; the service refuses a score outside the window
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
            errors_as_messages(request, form)
    return render(
        request,
        "evaluation/score.html",
        {"assignment": assignment, "form": form, "window_open": window_open, "today": today},
    )
