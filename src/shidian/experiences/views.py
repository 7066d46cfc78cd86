"""Experience pages: the library, one experience with its review and spread, the edit form, batches; search.

Thin: parse, call one service or selector, render. Refusals (DomainError) come back as messages or form errors.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shidian.core import listing, search, uploads
from shidian.core.errors import DomainError, NotFound
from shidian.core.http import AuthedHttpRequest
from shidian.experiences import forms, permissions, selectors, services
from shidian.experiences.models import Experience, ExperienceStatus
from shidian.pilots.models import PilotArea

SEARCH_SHOWN = 50


def _require_view(request: AuthedHttpRequest) -> None:
    if not permissions.can_view(request.user):
        raise NotFound


def _own_pilot(request: AuthedHttpRequest) -> PilotArea | None:
    organisation = request.user.organisation
    pilot = organisation.pilot if organisation is not None and organisation.pilot_id else None
    return pilot if pilot is not None and permissions.can_propose_for(request.user, pilot) else None


def _own_pilot_id(request: AuthedHttpRequest) -> int | None:
    organisation = request.user.organisation
    return organisation.pilot_id if organisation is not None else None


@login_required
@require_GET
def experience_list(request: AuthedHttpRequest) -> HttpResponse:
    """The experiences the user may see, filtered by status, focus area and batch."""
    _require_view(request)
    filters = forms.ListForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.filter_experiences(
        selectors.visible_experiences(user=request.user),
        selectors.Filters(
            status=chosen.get("status") or "",
            focus_area_id=chosen["focus_area"].pk if chosen.get("focus_area") else None,
            batch_id=chosen["batch"].pk if chosen.get("batch") else None,
        ),
    )
    page, query = listing.page_of(request, rows)
    return render(
        request,
        "experiences/list.html",
        {
            "filters": filters,
            "rows": page,
            "query": query,
            "own_pilot": _own_pilot(request),
            "can_select": permissions.can_select(request.user),
        },
    )


def _detail_context(request: AuthedHttpRequest, experience: Experience) -> dict[str, object]:
    user = request.user
    adoptions = selectors.spread_of(experience)  # read once: shown, and whether this pilot adopted it already
    return {
        "experience": experience,
        "results": list(experience.results.all()),
        "files": list(experience.files.all()),
        "adoptions": adoptions,
        "can_edit": permissions.can_edit(user, experience),
        "can_submit": experience.is_editable and permissions.can_propose_for(user, experience.pilot),
        "can_recommend": experience.status == ExperienceStatus.SUBMITTED
        and permissions.can_recommend(user, experience),
        "can_select": experience.status == ExperienceStatus.RECOMMENDED and permissions.can_select(user),
        "can_publish": experience.status == ExperienceStatus.SELECTED and permissions.can_select(user),
        "can_adopt": permissions.can_adopt(user, experience)
        and not any(a.pilot_id == _own_pilot_id(request) for a in adoptions),
        "comment_form": forms.CommentForm(),
        "select_form": forms.SelectForm(),
        "file_form": forms.FileForm(),
        "adoption_form": forms.AdoptionForm(),
        "batches": selectors.all_batches(),
    }


@login_required
@require_GET
def detail(request: AuthedHttpRequest, experience_id: int) -> HttpResponse:
    experience = selectors.get_experience_for(user=request.user, experience_id=experience_id)
    return render(request, "experiences/detail.html", _detail_context(request, experience))


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthedHttpRequest) -> HttpResponse:
    """The pilot's office drafts a new experience."""
    pilot = _own_pilot(request)
    if pilot is None:
        raise NotFound
    form = forms.ExperienceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            experience = services.create_experience(
                pilot=pilot, by=request.user, values=form.values(), results=form.results()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存草稿。"))
            return redirect("experiences:detail", experience_id=experience.pk)
    return render(request, "experiences/edit.html", {"form": form, "pilot": pilot, "experience": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedHttpRequest, experience_id: int) -> HttpResponse:
    experience = selectors.get_experience_for(user=request.user, experience_id=experience_id)
    if not permissions.can_edit(request.user, experience):
        raise NotFound
    form = forms.ExperienceForm(request.POST or None, initial=forms.ExperienceForm.initial_for(experience))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_experience(
                experience=experience, by=request.user, values=form.values(), results=form.results()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("experiences:detail", experience_id=experience.pk)
    return render(request, "experiences/edit.html", {"form": form, "pilot": experience.pilot, "experience": experience})


def _act(
    request: AuthedHttpRequest, experience_id: int, action: Callable[[Experience], object], done: str
) -> HttpResponse:
    experience = selectors.get_experience_for(user=request.user, experience_id=experience_id)
    try:
        action(experience)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("experiences:detail", experience_id=experience_id)


def _comment(request: AuthedHttpRequest) -> str:
    form = forms.CommentForm(request.POST)
    return str(form.cleaned_data.get("comment") or "") if form.is_valid() else ""


@login_required
@require_POST
def submit(request: AuthedHttpRequest, experience_id: int) -> HttpResponse:
    return _act(
        request,
        experience_id,
        lambda e: services.submit_experience(experience=e, by=request.user),
        _("已报送省级发展改革部门。"),
    )


@login_required
@require_POST
def recommend(request: AuthedHttpRequest, experience_id: int) -> HttpResponse:
    comment = _comment(request)
    return _act(
        request,
        experience_id,
        lambda e: services.recommend_experience(experience=e, by=request.user, comment=comment),
        _("已推荐至国家发展改革委。"),
    )


@login_required
@require_POST
def return_(request: AuthedHttpRequest, experience_id: int) -> HttpResponse:
    comment = _comment(request)
    return _act(
        request,
        experience_id,
        lambda e: services.return_experience(experience=e, by=request.user, comment=comment),
        _("已退回试点修改。"),
    )


@login_required
@require_POST
def select(request: AuthedHttpRequest, experience_id: int) -> HttpResponse:
    form = forms.SelectForm(request.POST)
    batch = form.cleaned_data["batch"] if form.is_valid() else None
    return _act(
        request,
        experience_id,
        lambda e: services.select_experience(experience=e, by=request.user, batch=batch),
        _("已入选推广批次。"),
    )


@login_required
@require_POST
def decline(request: AuthedHttpRequest, experience_id: int) -> HttpResponse:
    comment = _comment(request)
    return _act(
        request,
        experience_id,
        lambda e: services.decline_experience(experience=e, by=request.user, comment=comment),
        _("已记录未入选。"),
    )


@login_required
@require_POST
def publish(request: AuthedHttpRequest, experience_id: int) -> HttpResponse:
    return _act(
        request,
        experience_id,
        lambda e: services.publish_experience(experience=e, by=request.user),
        _("已发布。"),
    )


@login_required
@require_POST
def add_file(request: AuthedHttpRequest, experience_id: int) -> HttpResponse:
    experience = selectors.get_experience_for(user=request.user, experience_id=experience_id)
    if not permissions.can_edit(request.user, experience):
        raise NotFound
    form = forms.FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("experiences:detail", experience_id=experience_id)
    upload = form.cleaned_data["file"]
    limit = settings.EXPERIENCE_FILE_MAX_BYTES
    content = upload.read(limit + 1)
    return _act(
        request,
        experience_id,
        lambda e: services.add_file(
            experience=e,
            by=request.user,
            content=content,
            file_name=upload.name or "",
            caption=form.cleaned_data.get("caption") or "",
        ),
        _("已上传。"),
    )


@login_required
@require_POST
def remove_file(request: AuthedHttpRequest, experience_file_id: int) -> HttpResponse:
    stored = selectors.get_file_for(user=request.user, file_id=experience_file_id)
    experience_id = stored.experience_id
    try:
        services.remove_file(stored=stored, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("experiences:detail", experience_id=experience_id)


@login_required
@require_GET
def file(request: AuthedHttpRequest, experience_file_id: int) -> HttpResponse:
    """A stored attachment or photo, served by its sniffed type (photos inline, documents as downloads)."""
    stored = selectors.get_file_for(user=request.user, file_id=experience_file_id)
    content = bytes(stored.content)
    response = uploads.attachment_response(content, file_name=stored.file_name)
    if stored.kind == "photo":
        response["Content-Disposition"] = "inline"
    return response


@login_required
@require_POST
def adopt(request: AuthedHttpRequest, experience_id: int) -> HttpResponse:
    experience = selectors.get_experience_for(user=request.user, experience_id=experience_id)
    pilot = _own_pilot(request)
    form = forms.AdoptionForm(request.POST)
    if pilot is None or not permissions.can_adopt(request.user, experience):
        raise NotFound
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("experiences:detail", experience_id=experience_id)
    return _act(
        request,
        experience_id,
        lambda e: services.record_adoption(
            experience=e,
            pilot=pilot,
            by=request.user,
            what=form.cleaned_data["what"],
            adopted_on=form.cleaned_data["adopted_on"],
            result=form.cleaned_data.get("result") or "",
        ),
        _("已登记借鉴推广。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def batches(request: AuthedHttpRequest) -> HttpResponse:
    """The promotion batches; the commission opens new ones here."""
    _require_view(request)
    can_manage = permissions.can_select(request.user)
    form = forms.BatchForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise NotFound
        if form.is_valid():
            try:
                services.create_batch(
                    name=form.cleaned_data["name"], issued_on=form.cleaned_data.get("issued_on"), by=request.user
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已新建推广批次。"))
                return redirect("experiences:batches")
    return render(
        request,
        "experiences/batches.html",
        {"batches": selectors.all_batches(), "form": form, "can_manage": can_manage},
    )


@login_required
@require_GET
def search_page(request: AuthedHttpRequest) -> HttpResponse:
    """Full-text search over what the user may see: published experiences and bulletins, reports in scope."""
    _require_view(request)
    form = forms.SearchForm(request.GET)
    query, kind = "", ""
    if form.is_valid():
        query, kind = form.cleaned_data.get("q") or "", form.cleaned_data.get("kind") or ""
    results = search.search(query=query, user=request.user, kinds=[kind] if kind else None, limit=SEARCH_SHOWN)
    return render(
        request,
        "experiences/search.html",
        {"form": form, "results": results, "searched": bool(query.strip()), "shown": SEARCH_SHOWN},
    )
