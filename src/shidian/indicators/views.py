"""Indicator pages: monitoring, entry, review, history, quality, import. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shidian.core import audit, clock, listing, scoping
from shidian.core.errors import DomainError
from shidian.core.http import AuthedHttpRequest
from shidian.core.periods import Period
from shidian.core.roles import Capability
from shidian.indicators import charts, exports, imports, permissions, selectors, services
from shidian.indicators.filters import OffTrackFilter
from shidian.indicators.forms import EntryForm, FollowUpForm, ImportForm, QualityFilterForm, ReturnForm
from shidian.indicators.models import Indicator, PeriodType
from shidian.indicators.progress import ProgressStatus
from shidian.pilots import selectors as pilot_selectors
from shidian.regions import selectors as region_selectors

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_INDICATOR = "urban_rate_resident"


def _business(request: HttpRequest) -> None:
    scoping.require(request.user, Capability.VIEW_PILOTS)


def _period(code: str) -> Period:
    try:
        return Period.parse(code)
    except DomainError as exc:
        raise Http404 from exc


def _selected(request: HttpRequest) -> tuple[Indicator, Period]:
    indicator = selectors.get_indicator(request.GET.get("indicator") or DEFAULT_INDICATOR)
    today = clock.today()
    years = selectors.years()
    ended = [y for y in years if Period(y).end < today]  # the demo's 2019-07-08 has no 2020 values yet
    default = str((ended or years)[-1]) if years else str(pilot_selectors.programme_end_year())
    if indicator.period_type == PeriodType.HALF_YEAR:
        default = f"{default}H2"
    return indicator, _period(request.GET.get("period") or default)


@login_required
def monitoring(request: AuthedHttpRequest) -> HttpResponse:
    """Roll-ups by province and for the nation, the province map, the ranking."""
    _business(request)
    indicator, period = _selected(request)
    rollups = selectors.province_rollups(user=request.user, indicator=indicator, period=period)
    provinces = region_selectors.provinces()
    rows = [(p, rollups[p.pk]) for p in provinces if p.pk in rollups]
    boundary = region_selectors.active_map_boundary()
    return render(
        request,
        "indicators/monitoring.html",
        {
            "indicator": indicator,
            "period": period,
            "catalogue": selectors.catalogue(),
            "periods": selectors.periods(),
            "national": selectors.national_rollup(user=request.user, indicator=indicator, period=period),
            "rows": rows,
            "ranking": selectors.ranking(user=request.user, indicator=indicator, period=period),
            "map": (charts.province_boundary_map if boundary else charts.province_tile_map)(
                indicator, list(provinces), rollups
            ),
            "boundary": boundary,
            "scope": scoping.scope_for(request.user),
        },
    )


@login_required
def catalogue(request: AuthedHttpRequest) -> HttpResponse:
    _business(request)
    return render(request, "indicators/catalogue.html", {"categories": selectors.catalogue()})


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


def _province_commission(area: Any) -> str:
    from shidian.accounts.models import Organisation, OrganisationKind

    office = Organisation.objects.filter(
        kind=OrganisationKind.PROVINCIAL_COMMISSION, province_id=area.province_id
    ).first()
    return office.name if office else _("省级发展改革部门")


def _submit_values_confirm(request: HttpRequest, area: Any, the_period: Period) -> HttpResponse:
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
            "recipient": _province_commission(area),
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


def _review_values_confirm(request: HttpRequest, area: Any, the_period: Period, reason: str) -> HttpResponse:
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


@login_required
def compare(request: AuthedHttpRequest) -> HttpResponse:
    """Selected pilots side by side on one indicator."""
    _business(request)
    indicator, _period_unused = _selected(request)
    ids = [int(i) for i in request.GET.getlist("pilots") if i.isdigit()]
    pilots, values = selectors.comparison(user=request.user, indicator=indicator, pilot_ids=ids)
    chart = charts.comparison_chart(indicator, selectors.years(), [(p.name, values.get(p.pk, {})) for p in pilots])
    return render(
        request,
        "indicators/compare.html",
        {
            "indicator": indicator,
            "catalogue": selectors.catalogue(),
            "choices": pilot_selectors.visible_pilots(user=request.user).select_related("province"),
            "selected": {p.pk for p in pilots},
            "pilots": pilots,
            "chart": chart,
        },
    )


@login_required
def off_track(request: AuthedHttpRequest) -> HttpResponse:
    _business(request)
    code = request.GET.get("indicator")
    indicator = selectors.get_indicator(code) if code else None
    rows = selectors.off_track(user=request.user, indicator=indicator)
    list_filter = OffTrackFilter(request.GET, national=scoping.scope_for(request.user).is_national)
    if request.GET.get("format") == "xlsx":
        found = list_filter.apply(rows)
        audit.record(
            action=audit.AuditAction.OFF_TRACK_EXPORTED,
            actor=request.user,
            detail={"format": "xlsx", "rows": len(found), "indicator": code or ""},
        )
        response = HttpResponse(exports.off_track_xlsx(found), content_type=XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="off-track.xlsx"'
        return response
    page, query = listing.page_of(request, list_filter.apply(rows))
    return render(
        request,
        "indicators/off_track.html",
        {
            "rows": page,
            "query": query,
            "filters": list_filter,
            "indicator": indicator,
            "catalogue": selectors.catalogue(),
            "statuses": ProgressStatus,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def quality(request: AuthedHttpRequest) -> HttpResponse:
    """The data-quality list of a province or the nation; POST runs the checks for a period."""
    _business(request)
    may_follow = scoping.can(request.user, Capability.FOLLOW_UP_QUALITY)
    if request.method == "POST":
        if not may_follow:
            raise Http404
        the_period = _period(request.POST.get("period", ""))
        found = services.run_quality_checks(period=the_period, by=request.user)
        messages.success(request, _("检查完成，新发现 %(n)d 个问题。") % {"n": found})
        return redirect(f"{request.path}?period={the_period.code}")
    filters = QualityFilterForm(request.GET or None)
    status = period = ""
    if filters.is_valid():
        status, period = filters.cleaned_data["status"], filters.cleaned_data["period"]
    issues = selectors.quality_issues(user=request.user, status=status, period=period)
    page = Paginator(issues, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/quality.html",
        {
            "page": page,
            "filters": filters,
            "may_follow": may_follow,
            "follow_form": FollowUpForm(),
            "periods": selectors.periods(),
        },
    )


@login_required
@require_POST
def follow_up(request: AuthedHttpRequest, issue_id: int) -> HttpResponse:
    _business(request)
    issue = selectors.get_issue_for(user=request.user, issue_id=issue_id)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_issue(
                issue=issue,
                to=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
            messages.success(request, _("已更新处理状态。"))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("indicators:quality")


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedHttpRequest) -> HttpResponse:
    _business(request)
    if not scoping.can(request.user, Capability.IMPORT_INDICATORS):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > imports.CSV_MAX_BYTES:  # a CSV streams; start_import holds an XLSX to IMPORT_MAX_BYTES
            error = _("文件过大：%(size)d 字节，上限 %(limit)d 字节。") % {
                "size": upload.size,
                "limit": imports.CSV_MAX_BYTES,
            }
        else:
            try:
                job = imports.start_import(
                    content=upload.read(),
                    file_name=upload.name,
                    mode=form.cleaned_data["mode"],
                    by=request.user,
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("indicators:import_job", job_id=job.pk)
    return render(
        request,
        "indicators/import.html",
        {
            "form": form,
            "error": error,
            "periods": selectors.periods(open_only=True),
            "max_bytes": imports.IMPORT_MAX_BYTES,
            "background_rows": imports.BACKGROUND_ROWS,
        },
        status=400 if error else 200,
    )


@login_required
def import_template(request: AuthedHttpRequest) -> HttpResponse:
    _business(request)
    if not scoping.can(request.user, Capability.IMPORT_INDICATORS):
        raise Http404
    the_period = _period(request.GET.get("period") or str(pilot_selectors.programme_end_year()))
    content = imports.template_xlsx(user=request.user, period=the_period)
    audit.record(
        action=audit.AuditAction.INDICATOR_TEMPLATE_DOWNLOADED, actor=request.user, detail={"period": the_period.code}
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="indicators-{the_period.code}.xlsx"'
    return response


@login_required
def import_job(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    _business(request)
    job = selectors.get_import_job_for(user=request.user, job_id=job_id)
    return render(request, "indicators/import_job.html", {"job": job})


@login_required
def import_progress(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment htmx polls while a background import runs."""
    _business(request)
    job = selectors.get_import_job_for(user=request.user, job_id=job_id)
    return render(request, "indicators/_import_progress.html", {"job": job})
