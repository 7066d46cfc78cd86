"""Cursor pagination for every API list: over a QuerySet (by its ordering) or over a selector's list.

Why a list as well: several selectors give small reference lists in a meaningful order (batches, rounds, a
pilot's plan versions, the catalogue) that are not QuerySets; they page with the same parameters and body
(``page_size``, ``cursor``; ``next`` / ``previous`` / ``results``), the cursor holding the position in the list.
"""

from __future__ import annotations

from typing import Any

import pydantic
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field
from ninja.errors import ValidationError
from ninja.pagination import CursorPagination

from shidian.core.schemas import InputSchema


def _bad_cursor() -> ValidationError:
    return ValidationError([{"loc": ("query", "cursor"), "type": "cursor_invalid", "msg": "invalid cursor"}])


class Pagination(CursorPagination):
    class Input(InputSchema):
        page_size: int | None = Field(None, ge=1, le=1000, description="每页条数，默认 100，最多 1000")
        cursor: str | None = Field(None, max_length=200, description="上一页答复中 next / previous 所带的游标")

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        try:  # a cursor is opaque: one the client made up is bad input, never a server error
            cursor = self.Cursor.from_encoded_param(pagination.cursor)
            if isinstance(queryset, QuerySet):
                return super().paginate_queryset(queryset, pagination, request, **params)
        except (ValidationError, pydantic.ValidationError, DjangoValidationError, ValueError, TypeError):
            raise _bad_cursor() from None
        items = list(queryset)
        size = self._get_page_size(pagination.page_size)
        start = int(cursor.p) if cursor.p and cursor.p.isdigit() else 0
        end = start + size
        url = request.build_absolute_uri()
        following = self.Cursor(p=str(end)) if end < len(items) else None
        preceding = self.Cursor(p=str(max(start - size, 0))) if start > 0 else None
        return {
            "next": self._add_cursor_to_URL(url, following),
            "previous": self._add_cursor_to_URL(url, preceding),
            self.items_attribute: items[start:end],
        }
