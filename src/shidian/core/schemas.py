"""What every API input builds on, and what the API shows of the audit trail (for the security auditor)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, field_validator
from pydantic_core import PydanticCustomError

from shidian.core.models import AuditEvent

NUL_IN_TEXT = "string_nul"  # the error type api/errors.py words in Chinese


class InputSchema(Schema):
    """What a client sends (query filters, bodies): text may not hold a NUL character.

    PostgreSQL refuses NUL in text, so a NUL that reached a query or a write was a server error there (and
    silently accepted by SQLite); Django's form fields refuse it the same way (ProhibitNullCharactersValidator).
    """

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_in_text(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError(NUL_IN_TEXT, "text contains a NUL character")
        return value


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic would also read ``0`` or ``"1700000000"`` as seconds since 1970."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise PydanticCustomError("date_parsing", "a date is written YYYY-MM-DD")


# A date an API client sends (a filter, a finish date): ISO 8601 only, as the schema says (format: date).
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class AuditEventOut(Schema):
    id: int
    occurred_at: dt.datetime
    username: str
    organisation: str
    ip: str | None
    action: str
    action_label: str
    object_type: str
    object_id: str
    object: str
    success: bool
    changes: dict[str, Any]
    detail: dict[str, Any]
    hash: str

    @staticmethod
    def resolve_username(obj: AuditEvent) -> str:
        return obj.actor_username

    @staticmethod
    def resolve_organisation(obj: AuditEvent) -> str:
        return obj.organisation_name

    @staticmethod
    def resolve_object(obj: AuditEvent) -> str:
        return obj.object_repr


class AuditQuery(InputSchema):
    """The filters of the auditor's page (审计日志)."""

    q: str = Field("", max_length=100, description="关键词（操作、对象、用户名、单位、IP）")
    action: str = Field("", max_length=100, description="操作代码前缀，如 indicators.")
    user: str = Field("", max_length=150, description="用户名")
    organisation: str = Field("", max_length=200)
    object: str = Field("", max_length=300, description="对象，或“类型:编号”，如 plans.PlanVersion:12")
    outcome: Literal["", "success", "failure"] = ""
    since: IsoDate | None = None
    until: IsoDate | None = None
