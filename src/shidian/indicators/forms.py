"""Forms of the indicator pages; values are checked by the services, which name the field in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shidian.core.forms import Form
from shidian.indicators.models import ImportMode, IssueStatus, ValueType
from shidian.indicators.selectors import EntryGroup


class EntryForm(Form):
    """One field per entered (not computed) indicator of the period, named by the indicator code."""

    def __init__(self, *args: Any, groups: list[EntryGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = groups
        for group in groups:
            for row in group.rows:
                indicator = row.indicator
                if indicator.is_computed:
                    continue
                initial = None if row.current is None else _plain(row.current.value, indicator.value_type)
                if indicator.value_type == ValueType.YES_NO:
                    field: forms.Field = forms.ChoiceField(
                        choices=[("", "—"), ("1", _("是")), ("0", _("否"))], required=False
                    )
                else:
                    field = forms.CharField(required=False, max_length=40)
                field.label = indicator.name
                field.initial = initial
                field.widget.attrs.update({"inputmode": "decimal", "data-code": indicator.code})
                self.fields[indicator.code] = field

    def values(self) -> dict[str, str]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {code: str(data.get(code) or "") for code in self.fields}


def _plain(value: Any, value_type: str) -> str:
    """A stored Decimal as the user typed it: 45.300000 → 45.3, 1.000000 → 1."""
    return f"{value.normalize():f}"


class ImportForm(Form):
    file = forms.FileField(label=_("文件（XLSX 或 CSV）"))
    mode = forms.ChoiceField(
        label=_("导入方式"), choices=ImportMode.choices, initial=ImportMode.ALL_OR_NOTHING, widget=forms.RadioSelect
    )


class ReturnForm(Form):
    reason = forms.CharField(label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(Form):
    status = forms.ChoiceField(label=_("处理状态"), choices=IssueStatus.choices)
    note = forms.CharField(label=_("跟进说明"), required=False, max_length=500)


class QualityFilterForm(Form):
    status = forms.ChoiceField(label=_("处理状态"), choices=[("", _("全部")), *IssueStatus.choices], required=False)
    period = forms.CharField(label=_("期间"), required=False, max_length=7)
