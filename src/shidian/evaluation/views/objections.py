"""Objections: filing, answering, evidence."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shidian.core import scoping
from shidian.core.errors import DomainError, NotFound
from shidian.core.forms import errors_as_messages
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability
from shidian.core.uploads import attachment_response
from shidian.evaluation import selectors
from shidian.evaluation.forms import (
    AnswerForm,
    ObjectionForm,
)
from shidian.evaluation.services import objections


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
        errors_as_messages(request, form)
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
        errors_as_messages(request, form)
    return redirect(reverse("evaluation:run", kwargs={"run_id": objection.result.run_id}) + "#objections")


@login_required
@require_GET
def evidence(request: AuthedHttpRequest, objection_id: int) -> HttpResponse:
    objection = selectors.get_objection_for(user=request.user, objection_id=objection_id)
    if not objection.evidence:
        raise NotFound
    return attachment_response(bytes(objection.evidence), file_name=objection.evidence_name)
