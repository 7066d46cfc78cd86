"""Audit events in words: ``{% load shidian_audit %}`` (see core.audit_display)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from shidian.core import audit_display

register = template.Library()


@register.filter
def audit_action(action: str, object_type: str = "") -> str:
    """登录, 报送工作方案版本, ... for a dotted action name."""
    return audit_display.action_label(action, object_type)


@register.filter
def audit_changes(changes: Mapping[str, Any] | None, object_type: str) -> list[audit_display.Line]:
    """Changed fields with verbose names and choice labels."""
    return audit_display.change_lines(object_type, changes or {})


@register.filter
def audit_detail(detail: Mapping[str, Any] | None) -> list[audit_display.Line]:
    """Event details with Chinese keys."""
    return audit_display.detail_lines(detail or {})
