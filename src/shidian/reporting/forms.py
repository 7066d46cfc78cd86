from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shidian.core.forms import Form, IsoDateInput, choice_field
from shidian.reporting.models import SECTION_MAX, SECTIONS, TagKind


class PilotDraftForm(Form):
    revision = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, guide in SECTIONS:
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=2 * SECTION_MAX,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 8, "data-guide": guide}),
                help_text=_("建议 %(guide)d 字以内") % {"guide": guide},
            )

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name, _label, _guide in SECTIONS if name in self.data}


class CommentForm(Form):
    comment = forms.CharField(
        label=_("意见"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TagForm(Form):
    kind = forms.ChoiceField(label=_("类别"), choices=TagKind.choices)
    text = forms.CharField(label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    ministries = forms.TypedMultipleChoiceField(label=_("涉及部门"), coerce=int)

    def __init__(self, *args: Any, ministries: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = choice_field(self, "ministries")
        field.choices = [(m.pk, m.name) for m in ministries]
        field.widget = forms.CheckboxSelectMultiple(choices=field.choices)


class AttachmentForm(Form):
    file = forms.FileField(label=_("附件（PDF、DOCX、XLSX、图片）"))


class RoundDuesForm(Form):
    pilot_due = forms.DateField(label=_("试点报送期限"), widget=IsoDateInput)
    province_due = forms.DateField(label=_("省级报送期限"), widget=IsoDateInput)


class OpenReportForm(Form):
    round = forms.IntegerField(min_value=1, max_value=2**31 - 1)
