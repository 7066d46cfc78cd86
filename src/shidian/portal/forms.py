"""Forms of the portal: the public registry's filters and the news writers' form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shidian.core.forms import Form, choice_field, max_length_of
from shidian.pilots.models import AreaKind, Batch, PilotStatus
from shidian.plans.models import FocusArea
from shidian.portal.models import NewsItem
from shidian.portal.selectors import PublicFilters
from shidian.regions.models import Province


class PublicFilterForm(Form):
    q = forms.CharField(label=_("名称"), required=False, max_length=50)
    batch = forms.TypedChoiceField(label=_("批次"), required=False, coerce=int, empty_value=None)
    province = forms.ChoiceField(label=_("省份"), required=False)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部")), *AreaKind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *PilotStatus.choices])
    focus = forms.ChoiceField(label=_("重点领域"), required=False)

    def __init__(
        self, *args: Any, provinces: list[Province], batches: list[Batch], focus_areas: list[FocusArea], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "province").choices = [("", _("全部")), *((p.code, p.name) for p in provinces)]
        choice_field(self, "batch").choices = [("", _("全部")), *((b.number, str(b)) for b in batches)]
        choice_field(self, "focus").choices = [("", _("全部")), *((a.code, a.name) for a in focus_areas)]

    def filters(self) -> PublicFilters:
        """The valid filters; an invalid one is shown as an error and ignored, never widened silently."""
        if not self.is_bound:
            return PublicFilters()
        self.is_valid()
        data = self.cleaned_data
        return PublicFilters(
            batch=data.get("batch"),
            province=data.get("province", ""),
            kind=data.get("kind", ""),
            status=data.get("status", ""),
            focus=data.get("focus", ""),
            q=data.get("q", ""),
        )


SEARCH_INPUT_MAX = 2000  # longer input is cut here; core.search reads at most its first QUERY_MAX_CHARS


class PublicSearchForm(Form):
    q = forms.CharField(label=_("检索词"), required=False, strip=True)

    def clean_q(self) -> str:
        return str(self.cleaned_data.get("q") or "")[:SEARCH_INPUT_MAX]


class NewsForm(Form):
    title = forms.CharField(label=_("标题"), max_length=max_length_of(NewsItem, "title"))
    summary = forms.CharField(
        label=_("摘要"),
        max_length=max_length_of(NewsItem, "summary"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("列表和页面说明中显示，不超过 300 字。"),
    )
    body = forms.CharField(
        label=_("正文"),
        max_length=max_length_of(NewsItem, "body"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("纯文本，空行分段。"),
    )
    image = forms.FileField(
        label=_("图片"),
        required=False,
        help_text=_(
            "PNG、JPEG 或 GIF，不超过 5 MB；上传后重新编码，去除拍摄信息（如位置、相机型号），长边缩至 1600 像素以内。"
        ),
    )
    image_alt = forms.CharField(
        label=_("图片说明"),
        required=False,
        max_length=max_length_of(NewsItem, "image_alt"),
        help_text=_("描述图片内容，供读屏软件朗读；有图片时必填。"),
    )
    remove_image = forms.BooleanField(label=_("删除现有图片"), required=False)
