"""The inbox filter and the e-mail preferences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shidian.core.forms import Form
from shidian.notifications.registry import Kind


class InboxFilterForm(Form):
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部类型")), *Kind.choices])
    unread = forms.BooleanField(label=_("只看未读"), required=False)

    def values(self) -> tuple[str, bool]:
        if not self.is_valid():
            return "", False
        return self.cleaned_data["kind"] or "", bool(self.cleaned_data["unread"])


class PreferencesForm(Form):
    """One box per kind: e-mail me notifications of this kind."""

    def __init__(self, *args: Any, wanted: dict[str, bool], **kwargs: Any) -> None:
        super().__init__(*args, initial=wanted, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.BooleanField(label=label, required=False)
            self.fields[kind].initial = wanted.get(kind, True)

    def wanted(self) -> dict[str, bool]:
        return {kind: bool(self.cleaned_data.get(kind)) for kind in Kind.values}
