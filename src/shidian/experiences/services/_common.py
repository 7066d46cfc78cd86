"""What the writes of experiences share: the searched kind, the content fields, the limits and a result row."""

from __future__ import annotations

import decimal
from dataclasses import dataclass

from shidian.accounts.models import User
from shidian.core import uploads
from shidian.core.actors import SystemActor

SEARCH_KIND = "experience"


CONTENT_FIELDS = ("title", "focus_area", "summary", "body")


MAX_RESULTS = 20


ATTACHMENTS = (uploads.PDF, uploads.DOCX, uploads.XLSX)


@dataclass(frozen=True)
class ResultRow:
    """One result with a number as typed: what, value, unit."""

    what: str
    value: decimal.Decimal
    unit: str = ""


def _actor(by: User | SystemActor) -> User | None:
    return by if isinstance(by, User) else None
