"""Forms of the experience pages: the experience with its results, reviews, batches, adoptions, search."""

from __future__ import annotations

import decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shidian.core.forms import Form, IsoDateInput, prepare_fields
from shidian.experiences.models import BODY_MAX, SUMMARY_MAX, Experience, ExperienceStatus, PromotionBatch
from shidian.experiences.services import ResultRow
from shidian.plans.models import FocusArea

RESULT_ROWS = 6


class ExperienceForm(Form):
    """Title, focus area, summary, text, and up to six results with numbers (what, value, unit)."""

    title = forms.CharField(label=gettext_lazy("标题"), max_length=120)
    focus_area = forms.ModelChoiceField(
        label=gettext_lazy("重点领域"), queryset=FocusArea.objects.filter(is_active=True), empty_label="—"
    )
    summary = forms.CharField(
        label=gettext_lazy("摘要"), max_length=SUMMARY_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=gettext_lazy("正文"), max_length=BODY_MAX, required=False, widget=forms.Textarea(attrs={"rows": 12})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, RESULT_ROWS + 1):
            self.fields[f"what_{n}"] = forms.CharField(label=_("成效 %(n)d") % {"n": n}, max_length=100, required=False)
            self.fields[f"value_{n}"] = forms.DecimalField(
                label=_("数值 %(n)d") % {"n": n}, max_digits=16, decimal_places=2, required=False
            )
            self.fields[f"unit_{n}"] = forms.CharField(label=_("单位 %(n)d") % {"n": n}, max_length=20, required=False)
        prepare_fields({k: v for k, v in self.fields.items() if k.startswith(("what_", "unit_"))})

    @classmethod
    def initial_for(cls, experience: Experience) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": experience.title,
            "focus_area": experience.focus_area_id,
            "summary": experience.summary,
            "body": experience.body,
        }
        for n, result in enumerate(experience.results.all(), start=1):
            initial |= {f"what_{n}": result.what, f"value_{n}": result.value, f"unit_{n}": result.unit}
        return initial

    def result_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        """The (what, value, unit) fields of each row, for the template."""
        return [(self[f"what_{n}"], self[f"value_{n}"], self[f"unit_{n}"]) for n in range(1, RESULT_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for n in range(1, RESULT_ROWS + 1):
            what, value = cleaned.get(f"what_{n}"), cleaned.get(f"value_{n}")
            if what and value is None and f"value_{n}" not in self.errors:
                self.add_error(f"value_{n}", _("成效数据第 %(n)d 行：请填写“数值”。") % {"n": n})
            if value is not None and not what:
                self.add_error(f"what_{n}", _("成效数据第 %(n)d 行：请填写“成效”。") % {"n": n})
        return cleaned

    def results(self) -> list[ResultRow]:
        rows = []
        for n in range(1, RESULT_ROWS + 1):
            what, value = self.cleaned_data.get(f"what_{n}"), self.cleaned_data.get(f"value_{n}")
            if what and isinstance(value, decimal.Decimal):
                rows.append(ResultRow(what, value, self.cleaned_data.get(f"unit_{n}") or ""))
        return rows

    def values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("title", "focus_area", "summary", "body")}


class CommentForm(Form):
    comment = forms.CharField(
        label=gettext_lazy("审核意见"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SelectForm(Form):
    batch = forms.ModelChoiceField(
        label=gettext_lazy("推广批次"), queryset=PromotionBatch.objects.all(), empty_label="—"
    )


class BatchForm(Form):
    name = forms.CharField(label=gettext_lazy("批次名称"), max_length=100)
    issued_on = forms.DateField(label=gettext_lazy("印发日期"), required=False, widget=IsoDateInput())


class FileForm(Form):
    file = forms.FileField(label=gettext_lazy("文件（PDF、DOCX、XLSX 文档或照片）"))
    caption = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)


class AdoptionForm(Form):
    what = forms.CharField(label=gettext_lazy("借鉴内容"), max_length=300)
    adopted_on = forms.DateField(label=gettext_lazy("借鉴日期"), widget=IsoDateInput())
    result = forms.CharField(
        label=gettext_lazy("取得成效"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ListForm(Form):
    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=[("", "—"), *ExperienceStatus.choices]
    )
    focus_area = forms.ModelChoiceField(
        label=gettext_lazy("重点领域"), queryset=FocusArea.objects.all(), required=False, empty_label="—"
    )
    batch = forms.ModelChoiceField(
        label=gettext_lazy("推广批次"), queryset=PromotionBatch.objects.all(), required=False, empty_label="—"
    )


class SearchForm(Form):
    q = forms.CharField(label=gettext_lazy("检索词"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("范围"),
        required=False,
        choices=[
            ("", gettext_lazy("全部")),
            ("experience", gettext_lazy("典型经验")),
            ("report", gettext_lazy("试点报告")),
            ("bulletin", gettext_lazy("评估通报")),
        ],
    )
