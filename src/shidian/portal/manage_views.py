"""The news writers' pages (/portal/manage/news/): signed in, scoped, every write through the services. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shidian.core import listing, uploads
from shidian.core.errors import DomainError, NotFound
from shidian.core.http import AuthedHttpRequest
from shidian.portal import permissions, selectors, services
from shidian.portal.forms import NewsForm
from shidian.portal.models import NewsItem, NewsStatus


def _require_writer(request: AuthedHttpRequest) -> None:
    if not permissions.can_write_news(request.user):
        raise NotFound


def _upload(form: NewsForm) -> bytes | None:
    upload = form.cleaned_data.get("image")
    return upload.read() if upload else None


@login_required
@require_GET
def news_list(request: AuthedHttpRequest) -> HttpResponse:
    _require_writer(request)
    page, query = listing.page_of(request, selectors.news_for(user=request.user).order_by("status", "-updated_at"))
    return render(request, "portal/manage/list.html", {"page": page, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def news_new(request: AuthedHttpRequest) -> HttpResponse:
    _require_writer(request)
    form = NewsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.create_news(
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                image=_upload(form),
                image_alt=data["image_alt"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("稿件已保存为草稿。"))
            return redirect("news:edit", news_id=item.pk)
    return render(request, "portal/manage/edit.html", {"form": form, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def news_edit(request: AuthedHttpRequest, news_id: int) -> HttpResponse:
    item = selectors.get_news_for(user=request.user, news_id=news_id)
    initial = {"title": item.title, "summary": item.summary, "body": item.body, "image_alt": item.image_alt}
    form = NewsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.update_news(
                item=item,
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                image_alt=data["image_alt"],
                image=_upload(form),
                remove_image=data["remove_image"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("稿件已保存。"))
            return redirect("news:edit", news_id=item.pk)
    has_image = NewsItem.objects.filter(pk=item.pk, image__isnull=False).exists()
    return render(
        request,
        "portal/manage/edit.html",
        {"form": form, "item": item, "has_image": has_image, "published": item.status == NewsStatus.PUBLISHED},
    )


@login_required
@require_POST
def news_publish(request: AuthedHttpRequest, news_id: int) -> HttpResponse:
    item = selectors.get_news_for(user=request.user, news_id=news_id)
    try:
        services.publish_news(item=item, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("稿件已在公众门户发布。"))
    return redirect("news:edit", news_id=item.pk)


@login_required
@require_POST
def news_withdraw(request: AuthedHttpRequest, news_id: int) -> HttpResponse:
    item = selectors.get_news_for(user=request.user, news_id=news_id)
    try:
        services.withdraw_news(item=item, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("稿件已从公众门户撤回，恢复为草稿。"))
    return redirect("news:edit", news_id=item.pk)


@login_required
@require_GET
def news_image(request: AuthedHttpRequest, news_id: int) -> HttpResponse:
    """The picture of an item in the writer's reach (drafts included), for the edit page."""
    item = selectors.get_news_for(user=request.user, news_id=news_id)
    if item.image is None:
        raise NotFound
    content = bytes(item.image)
    kind = uploads.sniff(content)
    if kind not in (uploads.PNG, uploads.JPEG):
        raise NotFound
    response = HttpResponse(content, content_type=kind.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
