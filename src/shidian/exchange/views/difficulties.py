"""Difficulty pages: the list, raising one, one item and its moves, its files. Thin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as dj_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shidian.accounts.models import User
from shidian.core import clock, formatting, listing, scoping, uploads
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, NotFound
from shidian.core.forms import Form
from shidian.core.http import AuthedHttpRequest
from shidian.exchange import forms, permissions, selectors, services
from shidian.exchange.models import AWAITING_ANSWER, Difficulty, DifficultyStatus
from shidian.exchange.views._common import _require_view
from shidian.pilots.models import PilotArea
from shidian.reporting import selectors as report_selectors


@login_required
@require_GET
def home(request: AuthedHttpRequest) -> HttpResponse:
    """The difficulties the user may see, newest first, filtered by status, category and province."""
    _require_view(request)
    filters = forms.DifficultyFilter(request.GET)
    rows = selectors.visible_difficulties(user=request.user).prefetch_related("co_handlers")
    for name in ("status", "category"):
        if value := filters.value(name):
            rows = rows.filter(**{name: value})
    if province := filters.value("province"):
        rows = rows.filter(province=province)
    page, query = listing.page_of(request, rows)
    return render(
        request,
        "exchange/home.html",
        {
            "filters": filters,
            "rows": page,
            "query": query,
            "today": clock.today(),
            "can_raise": scoping.can(request.user, "exchange.raise"),
            "national": permissions.handles_all(request.user),
            "can_route": permissions.can_manage_routing(request.user),
            "awaiting": AWAITING_ANSWER,
        },
    )


def _raisable_pilots(user: User) -> QuerySet[PilotArea]:
    return scoping.restrict(PilotArea.objects.filter(status__in=services.IN_PROGRAMME), user).order_by(
        "province__code", "name"
    )


@login_required
@require_http_methods(["GET", "POST"])
def raise_difficulty(request: AuthedHttpRequest) -> HttpResponse:
    """Raise a difficulty; ``?report=<id>&text=…`` pre-fills it from a difficulty tagged in a pilot report."""
    if not scoping.can(request.user, "exchange.raise"):
        raise NotFound
    pilots = _raisable_pilots(request.user)
    source = None
    initial: dict[str, Any] = {}
    report_id = request.GET.get("report") or request.POST.get("report") or ""
    if report_id:
        if not report_id.isdigit():
            raise NotFound
        source = report_selectors.get_pilot_report_for(user=request.user, report_id=int(report_id))
        text = request.GET.get("text", "").strip()
        initial = {"pilot": source.pilot_id, "description": text, "title": text[:40]}
    elif pilots.count() == 1:
        initial = {"pilot": pilots.first()}
    form = forms.RaiseForm(request.POST or None, request.FILES or None, pilots=pilots, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.raise_difficulty(
                pilot=form.cleaned_data["pilot"],
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                files=form.cleaned_data["attachments"],
                source_report=source,
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已提交，分办至%(lead)s牵头办理，答复期限%(due)s。")
                % {"lead": item.lead.name, "due": formatting.date(item.due_on)},
            )
            return redirect("exchange:difficulty", difficulty_id=item.pk)
    return render(request, "exchange/raise.html", {"form": form, "source": source})


@login_required
@require_GET
def difficulty(request: AuthedHttpRequest, difficulty_id: int) -> HttpResponse:
    item = selectors.get_difficulty_for(user=request.user, difficulty_id=difficulty_id)
    return _detail(request, item)


def _detail(request: AuthedHttpRequest, item: Difficulty, **bound: Any) -> HttpResponse:
    user = request.user
    lead = permissions.is_lead(user, item)
    raiser = permissions.is_raiser_side(user, item)
    status = item.status
    context = {
        "item": item,
        "steps": selectors.timeline_of(item),
        "co_handlers": list(item.co_handlers.all()),
        "today": clock.today(),
        "lead_name": item.lead.name_on(item.raised_on),
        "can_accept": lead and status == DifficultyStatus.SUBMITTED,
        "answer_form": bound.get("answer_form") or forms.AnswerForm()
        if lead and status in {DifficultyStatus.ACCEPTED, DifficultyStatus.REOPENED}
        else None,
        "opinion_form": bound.get("opinion_form") or forms.OpinionForm()
        if permissions.is_co_handler(user, item) and status in AWAITING_ANSWER
        else None,
        "close_form": bound.get("close_form") or forms.CloseForm()
        if raiser and status == DifficultyStatus.ANSWERED
        else None,
        "reopen_form": bound.get("reopen_form") or forms.ReopenForm()
        if raiser and status == DifficultyStatus.ANSWERED
        else None,
    }
    return render(request, "exchange/difficulty.html", context, status=400 if bound else 200)


def _act(
    request: AuthedHttpRequest,
    difficulty_id: int,
    form_class: type[dj_forms.Form],
    key: str,
    act: Callable[[Difficulty, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    item = selectors.get_difficulty_for(user=request.user, difficulty_id=difficulty_id)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            act(item, form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("exchange:difficulty", difficulty_id=item.pk)
        messages.success(request, done)
        return redirect("exchange:difficulty", difficulty_id=item.pk)
    return _detail(request, item, **{key: form})


class _Empty(Form):
    """A move that takes no input (受理)."""


@login_required
@require_POST
def accept(request: AuthedHttpRequest, difficulty_id: int) -> HttpResponse:
    return _act(
        request,
        difficulty_id,
        _Empty,
        "accept",
        lambda item, _data: services.accept_difficulty(difficulty=item, by=request.user),
        _("已受理。"),
    )


@login_required
@require_POST
def answer(request: AuthedHttpRequest, difficulty_id: int) -> HttpResponse:
    return _act(
        request,
        difficulty_id,
        forms.AnswerForm,
        "answer_form",
        lambda item, data: services.answer_difficulty(
            difficulty=item, body=data["body"], files=data["attachments"], by=request.user
        ),
        _("已答复，等待提出方办结评价。"),
    )


@login_required
@require_POST
def opinion(request: AuthedHttpRequest, difficulty_id: int) -> HttpResponse:
    return _act(
        request,
        difficulty_id,
        forms.OpinionForm,
        "opinion_form",
        lambda item, data: services.add_co_opinion(difficulty=item, body=data["body"], by=request.user),
        _("协办意见已送牵头部门。"),
    )


@login_required
@require_POST
def close(request: AuthedHttpRequest, difficulty_id: int) -> HttpResponse:
    return _act(
        request,
        difficulty_id,
        forms.CloseForm,
        "close_form",
        lambda item, data: services.close_difficulty(
            difficulty=item, rating=data["rating"], comment=data["comment"], by=request.user
        ),
        _("已办结，感谢评价。"),
    )


@login_required
@require_POST
def reopen(request: AuthedHttpRequest, difficulty_id: int) -> HttpResponse:
    return _act(
        request,
        difficulty_id,
        forms.ReopenForm,
        "reopen_form",
        lambda item, data: services.reopen_difficulty(difficulty=item, reason=data["reason"], by=request.user),
        _("已退回牵头部门重新办理。"),
    )


@login_required
@require_GET
def difficulty_file(request: AuthedHttpRequest, difficulty_id: int, file_id: int) -> HttpResponse:
    item = selectors.get_difficulty_for(user=request.user, difficulty_id=difficulty_id)
    stored = selectors.get_difficulty_file_for(user=request.user, difficulty=item, file_id=file_id)
    services.record_download(
        obj=item, by=request.user, file_name=stored.file_name, action=AuditAction.EXCHANGE_FILE_DOWNLOADED
    )
    return uploads.attachment_response(bytes(stored.content), file_name=stored.file_name)
