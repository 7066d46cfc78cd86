"""The auditor's filter over the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

OUTCOMES = [("", _("全部")), ("success", _("成功")), ("failure", _("失败"))]


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    action = forms.CharField(label=_("操作（前缀）"), required=False, max_length=100)
    user = forms.CharField(label=_("用户名"), required=False, max_length=150)
    organisation = forms.CharField(label=_("单位"), required=False, max_length=200)
    object = forms.CharField(label=_("对象"), required=False, max_length=300)
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=OUTCOMES)
    since = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if isinstance(since, dt.date) and isinstance(until, dt.date) and since > until:
            self.add_error("until", _("截止日期不能早于起始日期。"))
        return data

    def search_arguments(self) -> dict[str, Any]:
        """The filter as keyword arguments of ``AuditEventQuerySet.search`` (invalid fields are ignored)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        outcome = data.get("outcome") or ""
        return {
            "text": (data.get("q") or "").strip(),
            "action": (data.get("action") or "").strip(),
            "username": (data.get("user") or "").strip(),
            "organisation": (data.get("organisation") or "").strip(),
            "obj": (data.get("object") or "").strip(),
            "success": {"success": True, "failure": False}.get(outcome),
            "since": data.get("since"),
            "until": data.get("until"),
        }

    def audit_detail(self) -> dict[str, Any]:
        """What the search asked for, as recorded in its own audit event (empty filters left out)."""
        args = self.search_arguments()
        detail: dict[str, Any] = {"q": args["text"], "action": args["action"], "user": args["username"]}
        for name in ("organisation", "object", "outcome", "since", "until"):
            value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if value:
                detail[name] = value
        return detail
