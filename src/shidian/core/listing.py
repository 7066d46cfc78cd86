"""Lists that scale: one way to page a list and keep its filters in the page links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def page_of(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], *, per_page: int = PAGE_SIZE, param: str = "page"
) -> tuple[Page[Any], str]:
    """The requested page of ``items`` and the query string of the other parameters (for ``core/_pager.html``).

    ``param`` names the page parameter, so that two lists on one page page independently.
    """
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return page, query.urlencode()
