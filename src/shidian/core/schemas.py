"""What the API shows of the audit trail (for the security auditor)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from shidian.core.models import AuditEvent


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


class AuditQuery(Schema):
    """The filters of the auditor's page (审计日志)."""

    q: str = Field("", max_length=100, description="关键词（操作、对象、用户名、单位、IP）")
    action: str = Field("", max_length=100, description="操作代码前缀，如 indicators.")
    user: str = Field("", max_length=150, description="用户名")
    organisation: str = Field("", max_length=200)
    object: str = Field("", max_length=300, description="对象，或“类型:编号”，如 plans.PlanVersion:12")
    outcome: Literal["", "success", "failure"] = ""
    since: dt.date | None = None
    until: dt.date | None = None
