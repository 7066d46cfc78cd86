"""The base of every form: text cleaned of control characters, dates as ISO values, every date bounded.

Every form of the platform derives from ``Form`` (a test enforces it), so a new field gets the same
treatment without anyone remembering to ask for it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.renderers import BaseRenderer
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shidian.core import text

ISO_DATE = "%Y-%m-%d"
# A technical limit for any date typed into a form (not a programme date: those come from the registry).
# It keeps 9999-12-31 and year 1 out, which date arithmetic anywhere downstream would overflow on.
DATE_BOUNDS = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))


class IsoDateInput(forms.DateInput):
    """A browser date box: its value is always ISO (the browser refuses ``2020/06/30``), in any language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """As ``django/forms/widgets/attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    return mark_safe(  # noqa: S308 - format_html escapes every name and value
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


class Select(forms.Select):
    """``django.forms.Select`` with the markup of its templates, written directly (issue 16).

    Django renders every option through two template includes; on a list page's filter form (provinces,
    batches, statuses) that was a quarter of the page. The same context (``get_context``) gives the same HTML.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        _attrs(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html


def validate_date_bounds(value: dt.date, bounds: tuple[dt.date, dt.date] = DATE_BOUNDS) -> None:
    first, last = bounds
    if not first <= value <= last:
        raise ValidationError(
            _("日期须在 %(first)s 至 %(last)s 之间。") % {"first": first.isoformat(), "last": last.isoformat()},
            code="date_bounds",
        )


def _cleaning(field: forms.CharField) -> None:
    """Make ``field`` drop control characters before its length and other validators run."""
    multiline = isinstance(field.widget, forms.Textarea)
    original = field.to_python

    def to_python(value: Any) -> Any:
        result = original(value)
        if isinstance(result, str):
            result = text.clean(result, multiline=multiline)
            if field.strip:
                result = result.strip()
        return result

    field.to_python = to_python  # type: ignore[method-assign]


def prepare_fields(fields: dict[str, forms.Field]) -> None:
    """Clean text fields, give plain date boxes ISO values, bound every date, render plain selects directly."""
    for field in fields.values():
        if type(field.widget) is forms.Select:
            # The same widget (attrs, choices, required), only rendered without templates; admin widgets kept.
            field.widget.__class__ = Select
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            _cleaning(field)
        elif isinstance(field, forms.DateField):
            widget = field.widget
            plain = type(widget) is forms.DateInput or getattr(widget, "input_type", "") == "date"
            if plain and not isinstance(widget, IsoDateInput):
                field.widget = IsoDateInput(attrs={k: v for k, v in widget.attrs.items() if k != "type"})
                field.widget.is_required = field.required
            field.validators.append(validate_date_bounds)


class Form(forms.Form):
    """A form whose text fields are cleaned, whose date boxes carry ISO values and whose dates are bounded."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Labels carry no suffix: Django's ASCII colon ("名称:") on label_tag matches none of the other forms.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        prepare_fields(self.fields)


class ModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """The same for model forms (the admin's change forms)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prepare_fields(self.fields)


def max_length_of(model: type[Model], name: str) -> int:
    """The model field's length, so a form refuses in Chinese what the database would refuse with a 500."""
    limit = getattr(model._meta.get_field(name), "max_length", None)
    if limit is None:
        raise ValueError(f"{model._meta.label}.{name} has no max_length")
    return int(limit)


OUTCOMES = [("", gettext_lazy("全部")), ("success", gettext_lazy("成功")), ("failure", gettext_lazy("失败"))]


class AuditFilterForm(Form):
    """The auditor's filter over the audit trail."""

    q = forms.CharField(label=gettext_lazy("关键词"), required=False, max_length=100)
    action = forms.CharField(label=gettext_lazy("操作（前缀）"), required=False, max_length=100)
    user = forms.CharField(label=gettext_lazy("用户名"), required=False, max_length=150)
    organisation = forms.CharField(label=gettext_lazy("单位"), required=False, max_length=200)
    object = forms.CharField(label=gettext_lazy("对象"), required=False, max_length=300)
    outcome = forms.ChoiceField(label=gettext_lazy("结果"), required=False, choices=OUTCOMES)
    since = forms.DateField(
        label=gettext_lazy("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if isinstance(since, dt.date) and isinstance(until, dt.date) and since > until:
            self.add_error("until", gettext_lazy("截止日期不能早于起始日期。"))
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


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field ``name``, typed, to set its choices (``form.fields`` holds plain ``Field``)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - a programming error, not input
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's model choice field ``name``, typed, to set its queryset."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - a programming error, not input
    return field


def errors_as_messages(request: HttpRequest, form: forms.BaseForm) -> None:
    """Each refused field of ``form`` as one error message, "label：errors" (a form-wide error: the errors)."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text_ = "；".join(str(e) for e in errors)
        messages.error(request, _("%(label)s：%(errors)s") % {"label": label, "errors": text_} if label else text_)
