"""A pilot's values: its page, entry and submission, targets, history, and the province's review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shidian.accounts import selectors as account_selectors
from shidian.core import scoping
from shidian.core.errors import DomainError
from shidian.core.http import AuthedHttpRequest
from shidian.core.periods import Period
from shidian.core.roles import Capability
from shidian.indicators import charts, permissions, selectors, services
from shidian.indicators.forms import EntryForm, ReturnForm
from shidian.indicators.views._common import PAGE_SIZE, _business, _period
from shidian.pilots import selectors as pilot_selectors
from shidian.pilots.models import PilotArea


@login_required
def pilot(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    """A pilot's time series with target lines and its progress status per indicator."""
    _business(request)
    area = pilot_selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    years = selectors.years()
    series = [s for s in selectors.pilot_series(pilot=area) if s.points or s.targets]
    return render(
        request,
        "indicators/pilot.html",
        {
            "pilot": area,
            "series": [(s, charts.series_chart(s, years=years)) for s in series],
            "periods": selectors.periods(open_only=True),
            "can_enter": permissions.can_enter(request.user, area),
            "can_accept": permissions.can_accept(request.user, area),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: AuthedHttpRequest, pilot_id: int, period: str) -> HttpResponse:
    """The entry form of one pilot and period, grouped by category, previous period beside each field."""
    _business(request)
    area = pilot_selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    permissions.require_enter(request.user, area)
    the_period = _period(period)
    if request.method == "POST" and request.POST.get("action") == "submit_drafts":
        try:
            services.submit_values(pilot=area, period=the_period, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存并报送，等待省级发展改革部门确认。"))
        return redirect("indicators:entry", pilot_id=area.pk, period=the_period.code)
    groups = selectors.entry_groups(pilot=area, period=the_period)
    form = EntryForm(request.POST or None, groups=groups)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            # Submitting asks first: the values are saved as drafts, then a confirm page submits them.
            services.save_values(
                pilot=area,
                period=the_period,
                values=form.values(),
                by=request.user,
            )
        except services.ValuesRejected as exc:
            for code, message in exc.errors.items():
                label = form.fields[code].label if code in form.fields else code
                text = _("%(field)s：%(message)s") % {"field": label, "message": message}
                errors.append(text)
                if code in form.fields:
                    form.add_error(code, text)
        except DomainError as exc:
            errors.append(exc.message)
        else:
            if request.POST.get("action") == "submit":
                return _submit_values_confirm(request, area, the_period)
            messages.success(request, _("已保存草稿。"))
            return redirect("indicators:entry", pilot_id=area.pk, period=the_period.code)
    fields = {code: form[code] for code in form.fields}
    return render(
        request,
        "indicators/entry.html",
        {
            "pilot": area,
            "period": the_period,
            "groups": groups,
            "fields": fields,
            "form": form,
            "errors": errors,
            "periods": selectors.periods(open_only=True),
        },
        status=400 if errors else 200,
    )


def _submit_values_confirm(request: HttpRequest, area: PilotArea, the_period: Period) -> HttpResponse:
    """Say what submitting the period's values does and to whom before it happens (drafts are saved)."""
    drafts = [v for v in selectors.period_values(pilot=area, period=the_period) if v.status == "draft"]
    if not drafts:
        messages.info(request, _("已保存草稿。本期没有待报送的草稿数据。"))
        return redirect("indicators:entry", pilot_id=area.pk, period=the_period.code)
    entry_url = reverse("indicators:entry", kwargs={"pilot_id": area.pk, "period": the_period.code})
    return render(
        request,
        "core/confirm.html",
        {
            "heading": _("确认报送：%(pilot)s %(period)s指标数据") % {"pilot": area.name, "period": the_period.label},
            "recipient": account_selectors.province_commission_name(area.province_id),
            "consequences": [
                _("已保存为草稿的 %(n)d 项数值报送省级发展改革部门确认。") % {"n": len(drafts)},
                _("报送的数值计入监测和汇总；确认后如需更正，将形成新版本。"),
            ],
            "action": entry_url,
            "hidden": [("action", "submit_drafts")],
            "button": _("确认报送"),
            "cancel": entry_url,
        },
    )


def _review_values_confirm(request: HttpRequest, area: PilotArea, the_period: Period, reason: str) -> HttpResponse:
    action = "return" if request.POST.get("action") == "return" else "accept"
    target = {"pilot": area.name, "period": the_period.label}
    submitted = [v for v in selectors.period_values(pilot=area, period=the_period) if v.status == "submitted"]
    if action == "return":
        heading = _("确认退回：%(pilot)s %(period)s指标数据") % target
        consequences = [_("%(n)d 项已报送的数值退回试点修改，试点会看到退回原因。") % {"n": len(submitted)}]
        button = _("确认退回")
    else:
        heading = _("确认：%(pilot)s %(period)s指标数据") % target
        consequences = [_("%(n)d 项已报送的数值被确认，之后只能以新版本更正。") % {"n": len(submitted)}]
        button = _("确认")
    review_url = reverse("indicators:review", kwargs={"pilot_id": area.pk, "period": the_period.code})
    return render(
        request,
        "core/confirm.html",
        {
            "heading": heading,
            "recipient": area.name,
            "consequences": consequences,
            "comment": reason,
            "action": review_url,
            "hidden": [("action", action), ("reason", reason), ("confirmed", "1")],
            "button": button,
            "cancel": review_url,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    """The pilot's work-plan targets (stage year and the programme's last year) beside the national targets."""
    _business(request)
    area = pilot_selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    editable = permissions.can_set_targets(request.user, area)
    stage, last = services.stage_year(area), area.batch.programme_end_year
    rows = selectors.target_rows(pilot=area)
    errors: dict[str, str] = {}
    if request.method == "POST":
        permissions.require_set_targets(request.user, area)
        wanted = {
            (row.indicator.code, year): request.POST.get(f"{row.indicator.code}_{year}", "")
            for row in rows
            for year in (stage, last)
            if f"{row.indicator.code}_{year}" in request.POST
        }
        try:
            services.set_pilot_targets(
                pilot=area,
                targets=wanted,
                source=request.POST.get("source", "")[:200],
                by=request.user,
            )
        except services.ValuesRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, _("目标已保存。"))
            return redirect("indicators:targets", pilot_id=area.pk)
    names = {row.indicator.code: row.indicator.name for row in rows}

    def cell(row: selectors.TargetRow, year: int) -> dict[str, str]:
        name = f"{row.indicator.code}_{year}"
        stored = row.targets.get(year)
        value = request.POST.get(name, "") if request.method == "POST" else ""
        if request.method != "POST" and stored is not None:
            value = f"{stored.normalize():f}"
        return {"name": name, "value": value, "error": errors.get(name, "")}

    return render(
        request,
        "indicators/targets.html",
        {
            "pilot": area,
            "rows": [(row, cell(row, stage), cell(row, last)) for row in rows],
            "stage": stage,
            "last_year": last,
            "editable": editable,
            "errors": [
                _("%(field)s：%(message)s") % {"field": names.get(key.rsplit("_", 1)[0], key), "message": message}
                for key, message in errors.items()
            ],
        },
        status=400 if errors else 200,
    )


@login_required
def history(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    _business(request)
    area = pilot_selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    page = Paginator(selectors.value_history(user=request.user, pilot=area), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "indicators/history.html", {"pilot": area, "page": page})


@login_required
def reviews(request: AuthedHttpRequest) -> HttpResponse:
    _business(request)
    if not scoping.can(request.user, Capability.ACCEPT_INDICATORS):
        raise Http404
    return render(request, "indicators/reviews.html", {"pending": selectors.pending_reviews(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def review(request: AuthedHttpRequest, pilot_id: int, period: str) -> HttpResponse:
    """Province officers see one pilot's values of a period and accept or return them."""
    _business(request)
    area = pilot_selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    permissions.require_accept(request.user, area)
    the_period = _period(period)
    return_form = ReturnForm(request.POST if request.POST.get("action") == "return" else None)
    if request.method == "POST" and not request.POST.get("confirmed"):
        if request.POST.get("action") != "return" or return_form.is_valid():
            reason = return_form.cleaned_data["reason"] if return_form.is_bound else ""
            return _review_values_confirm(request, area, the_period, reason)
    elif request.method == "POST":
        try:
            if request.POST.get("action") == "return":
                if return_form.is_valid():
                    services.return_values(
                        pilot=area,
                        period=the_period,
                        reason=return_form.cleaned_data["reason"],
                        by=request.user,
                    )
                    messages.success(request, _("已退回试点地区修改。"))
                    return redirect("indicators:reviews")
            else:
                services.accept_values(pilot=area, period=the_period, by=request.user)
                messages.success(request, _("已确认。"))
                return redirect("indicators:reviews")
        except DomainError as exc:
            messages.error(request, exc.message)
    values = selectors.period_values(pilot=area, period=the_period)
    return render(
        request,
        "indicators/review.html",
        {"pilot": area, "period": the_period, "values": values, "return_form": return_form},
    )
