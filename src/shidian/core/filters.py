"""Filter forms of list pages: optional fields, "全部" first; each app's ``filters.py`` declares its own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shidian.core.forms import Form


class ListFilter(Form):
    """A GET filter form: every field optional, "全部" as the empty choice, values read with ``value()``."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data if data else None, *args, **kwargs)
        self.is_valid()

    def value(self, name: str) -> Any:
        """The cleaned value of a field, or None when it is empty or invalid."""
        if not self.is_bound or name not in getattr(self, "cleaned_data", {}):
            return None
        return self.cleaned_data[name] or None

    def active(self) -> dict[str, str]:
        """The filters in use as a reader sees them (广西壮族自治区, 已确认), for the audit record of an export."""
        used = {}
        for name, field in self.fields.items():
            value = self.value(name)
            if value is None:
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                choices: Any = field.choices  # flat (value, label) pairs in the filter forms
                value = dict(choices).get(value, value)
            used[name] = str(value)
        return used


def choice_of(queryset: Any, label: Any) -> forms.ModelChoiceField[Any]:
    """An optional choice among ``queryset`` (provinces, batches, rounds) with "全部" first."""
    return forms.ModelChoiceField(label=label, queryset=queryset, required=False, empty_label=_("全部"))


def status_field(choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *choices], required=False)
