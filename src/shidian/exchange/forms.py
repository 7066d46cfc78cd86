"""Forms of the exchange pages: raise, handle and close a difficulty; the routing table; a notice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shidian.accounts.models import Organisation
from shidian.core.filters import ListFilter, choice_of, status_field
from shidian.core.forms import Form, max_length_of, model_choice_field
from shidian.exchange.models import Audience, Category, Difficulty, DifficultyStatus, Notice
from shidian.exchange.services import HANDLING_KINDS, IN_PROGRAMME, Upload
from shidian.pilots.models import Batch, PilotArea
from shidian.regions.models import Province


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files at once (optional); the service checks each one by its content."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Upload]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [Upload(name=f.name or "file", content=f.read()) for f in items if f]


FILES_LABEL = _("附件（PDF、DOCX、XLSX、图片，可多选）")


def handling_organisations() -> Any:
    return Organisation.objects.filter(kind__in=HANDLING_KINDS).order_by("kind", "name")


class RaiseForm(Form):
    pilot = forms.ModelChoiceField(
        label=_("试点地区"),
        queryset=PilotArea.objects.none(),
        error_messages={"invalid_choice": _("该试点不在您的管辖范围内，不能为其提出问题反映。")},
    )
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    title = forms.CharField(label=_("标题"), max_length=max_length_of(Difficulty, "title"))
    description = forms.CharField(label=_("问题描述"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = FilesField(label=FILES_LABEL)

    def __init__(self, *args: Any, pilots: QuerySet[PilotArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pilot").queryset = pilots


class AnswerForm(Form):
    body = forms.CharField(label=_("答复意见"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    attachments = FilesField(label=FILES_LABEL)


class OpinionForm(Form):
    body = forms.CharField(label=_("协办意见"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(Form):
    rating = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[(5, _("5 分（非常满意）")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 分（不满意）"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(Form):
    reason = forms.CharField(label=_("重新办理的理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class RoutingForm(Form):
    lead = forms.ModelChoiceField(label=_("牵头部门"), queryset=Organisation.objects.none())
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("协办部门"), queryset=Organisation.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead", "co_handlers"):
            model_choice_field(self, name).queryset = handling_organisations()


class NoticeForm(Form):
    title = forms.CharField(label=_("标题"), max_length=max_length_of(Notice, "title"))
    body = forms.CharField(
        label=_("正文"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("每段一行；以公文印发时按 GB/T 9704 排版。"),
    )
    audience = forms.ChoiceField(label=_("发送范围"), choices=Audience.choices, widget=forms.RadioSelect)
    batch = forms.ModelChoiceField(label=_("批次"), queryset=Batch.objects.order_by("number"), required=False)
    province = forms.ModelChoiceField(label=_("省份"), queryset=Province.objects.none(), required=False)
    pilots = forms.ModelMultipleChoiceField(
        label=_("选定的试点"), queryset=PilotArea.objects.none(), required=False, widget=forms.SelectMultiple
    )
    as_document = forms.BooleanField(label=_("以公文形式印发（自动编发文字号）"), required=False)
    attachments = FilesField(label=FILES_LABEL)

    def __init__(self, *args: Any, provinces: QuerySet[Province], pilots: QuerySet[PilotArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "province").queryset = provinces
        # Any pilot in the programme is accepted here, so that one of another province is refused by the service
        # with its name; the list offers only the sender's own (``pilots``).
        chosen = model_choice_field(self, "pilots")
        chosen.queryset = PilotArea.objects.filter(status__in=IN_PROGRAMME).select_related("province")
        chosen.widget.choices = [(p.pk, f"{p.province.name} · {p.name}") for p in pilots.select_related("province")]


class DifficultyFilter(ListFilter):
    status = status_field(DifficultyStatus.choices)
    category = forms.ChoiceField(label=_("类别"), choices=[("", _("全部")), *Category.choices], required=False)
    province = choice_of(Province.objects.order_by("code"), _("省份"))
