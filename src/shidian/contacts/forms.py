"""Forms of the contacts pages: one pilot's leader and contact person, a new round, the list's date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shidian.contacts.fields import PERSON_COLUMNS
from shidian.contacts.models import ContactEntry, ContactRound
from shidian.contacts.validators import CellRefused
from shidian.core.filters import ListFilter, choice_of
from shidian.core.forms import Form, IsoDateInput
from shidian.pilots.models import Batch
from shidian.regions.models import Province


class ContactForm(Form):
    """The nine fields of one row of the annex-3 layout; each refusal names its field in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for column in PERSON_COLUMNS:
            self.fields[column.field] = forms.CharField(
                label=getattr(ContactEntry._meta.get_field(column.field), "verbose_name", column.field),
                required=False,
                max_length=200 if column.field != "email" else 254,
            )
        self._rules = {c.field: c for c in PERSON_COLUMNS}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, column in self._rules.items():
            if name not in cleaned:
                continue
            try:
                cleaned[name] = column.rule(cleaned[name] or "", column.header)
            except CellRefused as exc:
                self.add_error(name, ValidationError(exc.message, code="format"))
        return cleaned


class RoundForm(Form):
    title = forms.CharField(label=_("名称"), max_length=ContactRound._meta.get_field("title").max_length or 100)
    batches = forms.ModelMultipleChoiceField(
        label=_("批次"), queryset=Batch.objects.order_by("number"), widget=forms.CheckboxSelectMultiple
    )
    changes_only = forms.BooleanField(label=_("仅报送变动"), required=False)
    due_on = forms.DateField(label=_("报送截止日期"), widget=IsoDateInput())


class ListForm(ListFilter):
    on = forms.DateField(label=_("截至日期"), required=False, widget=IsoDateInput())
    province = choice_of(Province.objects.order_by("code"), _("省份"))

    def day(self, default: dt.date) -> dt.date:
        value = self.value("on")
        return value if isinstance(value, dt.date) else default
