"""The public portal (/portal/): no sign-in, published content only, every page cached (portal/cache.py). Thin.

Pages render ``portal/base.html``, which carries no CSRF token, no user and no messages, so one rendered page
serves every reader of its language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from shidian.core import clock, uploads
from shidian.core.errors import NotFound
from shidian.evaluation import bulletin as bulletin_engine
from shidian.evaluation import services as evaluation_services
from shidian.experiences import selectors as experience_selectors
from shidian.pilots.models import PilotStatus
from shidian.pilots.selectors import batches
from shidian.portal import opendata, selectors
from shidian.portal.cache import cached_page, public_page
from shidian.portal.forms import PublicFilterForm, PublicSearchForm
from shidian.regions.selectors import provinces

LATEST = 4


def serves(path: str) -> bool:
    """Whether ``path`` is the public portal's (its writers' pages under /portal/manage/ are the platform's)."""
    return path.startswith(reverse("portal:home")) and not path.startswith(reverse("news:list"))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A page the portal does not have (or has not published): 404 inside the portal's own layout."""
    return render(request, "portal/404.html", status=404)


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {"today": clock.today(), **context})


@require_GET
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    """The programme, its timeline, the pilots at a glance, the latest news and bulletins."""
    counts = selectors.status_counts()
    return _page(
        request,
        "portal/home.html",
        {
            "programme": selectors.programme(),
            "batches": selectors.batches_with_counts(),
            "total": sum(counts.values()),
            "status_counts": [(label, counts.get(value, 0)) for value, label in PilotStatus.choices],
            "news": list(selectors.published_news()[:LATEST]),
            "bulletins": list(selectors.issued_bulletins()[:LATEST]),
        },
    )


@require_GET
@cached_page
def pilot_list(request: HttpRequest) -> HttpResponse:
    """The pilots on the province tile grid and in a filterable list (public fields only)."""
    form = PublicFilterForm(
        request.GET or None,
        provinces=provinces(),
        batches=batches(),
        focus_areas=selectors.focus_areas_in_use(),
    )
    page, rows = selectors.pilot_page_rows(form.filters(), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        request,
        "portal/pilots.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "tiles": selectors.province_tiles()},
    )


@require_GET
@cached_page
def pilot_detail(request: HttpRequest, pilot_id: int) -> HttpResponse:
    try:
        pilot = selectors.get_public_pilot(pilot_id)
    except ObjectDoesNotExist as exc:
        raise NotFound from exc
    return _page(
        request,
        "portal/pilot.html",
        {"data": selectors.pilot_page(pilot), "experiences": selectors.pilot_experiences(pilot)},
    )


@require_GET
@cached_page
def bulletin_list(request: HttpRequest) -> HttpResponse:
    return _page(request, "portal/bulletins.html", {"bulletins": list(selectors.issued_bulletins())})


@require_GET
@cached_page
def bulletin_download(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    """The issued bulletin as DOCX (or PDF with ``?format=pdf``), composed by the document engine."""
    try:
        bulletin = selectors.get_issued_bulletin(bulletin_id)
    except ObjectDoesNotExist as exc:
        raise NotFound from exc
    content = evaluation_services.bulletin_content(run=bulletin.run)
    if request.GET.get("format") == "pdf":
        data, kind = bulletin_engine.pdf_bytes(content), uploads.PDF
    else:
        data, kind = bulletin_engine.docx_bytes(content), uploads.DOCX
    return uploads.attachment_response(data, file_name=f"{bulletin.run.scheme.year}年度评估通报", kind=kind)


@require_GET
@cached_page
def news_list(request: HttpRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    page = Paginator(selectors.published_news(), 20).get_page(request.GET.get("page"))
    return _page(request, "portal/news_list.html", {"page": page})


@require_GET
@cached_page
def news_detail(request: HttpRequest, news_id: int) -> HttpResponse:
    try:
        item = selectors.get_published_news(news_id)
    except ObjectDoesNotExist as exc:
        raise NotFound from exc
    return _page(request, "portal/news_detail.html", {"item": item})


@require_GET
@cached_page
def news_image(request: HttpRequest, news_id: int) -> HttpResponse:
    """The re-encoded picture of a published item, typed by its content."""
    content = selectors.news_image(news_id)
    if content is None:
        raise NotFound
    kind = uploads.sniff(content)
    if kind not in (uploads.PNG, uploads.JPEG):
        raise NotFound
    response = HttpResponse(content, content_type=kind.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@cached_page
def data_dictionary(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "portal/data.html",
        {"columns": opendata.REGISTRY_COLUMNS, "experience_columns": opendata.EXPERIENCE_COLUMNS},
    )


@require_GET
@cached_page
def registry_csv(request: HttpRequest) -> HttpResponse:
    return uploads.attachment_response(
        opendata.registry_csv(selectors.registry_rows()), file_name="pilots.csv", kind=uploads.CSV
    )


@require_GET
@cached_page
def registry_json(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        opendata.registry_json(selectors.registry_rows()), content_type="application/json; charset=utf-8"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def language(request: HttpRequest) -> HttpResponse:
    """Switch the language without a form (the cached pages carry no CSRF token): a cookie, then back."""
    code = request.GET.get("lang", "")
    target = request.GET.get("next", "")
    if not target.startswith("/portal/") or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = "/portal/"
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


# ---- typical experiences ---------------------------------------------------------------------------------


@require_GET
@cached_page
def experiences(request: HttpRequest) -> HttpResponse:
    """Promoted (published) experiences by theme and by promotion batch."""
    themes, promotion_batches = selectors.experiences_overview()
    return _page(request, "portal/experiences.html", {"themes": themes, "batches": promotion_batches})


@require_GET
@cached_page
def experience_theme(request: HttpRequest, theme: str) -> HttpResponse:
    area, rows = selectors.theme_experiences(theme)
    return _page(request, "portal/experience_theme.html", {"theme": area, "rows": rows})


@require_GET
@cached_page
def experience_batch(request: HttpRequest, promotion_batch_id: int) -> HttpResponse:
    batch, rows = selectors.batch_experiences(promotion_batch_id)
    return _page(request, "portal/experience_batch.html", {"batch": batch, "rows": rows})


@require_GET
@cached_page
def experience_detail(request: HttpRequest, experience_id: int) -> HttpResponse:
    """One published experience: full text, results, photos, and where it spread."""
    return _page(request, "portal/experience.html", {"data": selectors.experience_page(experience_id)})


@require_GET
@cached_page
def experience_photo(request: HttpRequest, file_id: int) -> HttpResponse:
    """A re-encoded photo of a published experience, typed by its content."""
    content = bytes(selectors.experience_photo(file_id).content)
    kind = uploads.sniff(content)
    if kind not in (uploads.PNG, uploads.JPEG):
        raise NotFound
    response = HttpResponse(content, content_type=kind.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@public_page
def search_page(request: HttpRequest) -> HttpResponse:
    """Public full-text search over published experiences and issued bulletins (not cached: any query)."""
    form = PublicSearchForm(request.GET or None)
    query = str(form.cleaned_data.get("q") or "") if form.is_valid() else ""
    found = selectors.public_search(query, request.GET.get("page")) if query.strip() else None
    return _page(request, "portal/search.html", {"form": form, "found": found, "query": query})


@require_GET
@cached_page
def experiences_csv(request: HttpRequest) -> HttpResponse:
    return uploads.attachment_response(
        opendata.experiences_csv(experience_selectors.published_for_open_data()),
        file_name="experiences.csv",
        kind=uploads.CSV,
    )


@require_GET
@cached_page
def experiences_json(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        opendata.experiences_json(experience_selectors.published_for_open_data()),
        content_type="application/json; charset=utf-8",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
