from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shidian.core.forms import Form, IsoDateInput, choice_field, max_length_of
from shidian.pilots.models import AreaKind, Batch, PilotStatus, PilotStatusChange, Verification
from shidian.pilots.selectors import PilotFilters
from shidian.regions.models import Province, RegionClass


class PilotFilterForm(Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    batch = forms.TypedChoiceField(label=_("批次"), required=False, coerce=int, empty_value=None)
    province = forms.ChoiceField(label=_("省份"), required=False)
    region = forms.ChoiceField(label=_("区域"), required=False, choices=[("", _("全部")), *RegionClass.choices])
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部")), *AreaKind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *PilotStatus.choices])
    verification = forms.ChoiceField(
        label=_("核实程度"),
        required=False,
        choices=[("", _("全部")), ("verified", _("已核实（官方或有来源）")), *Verification.choices],
    )

    def __init__(self, *args: Any, provinces: list[Province], batches: list[Batch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "province").choices = [("", _("全部")), *((p.code, p.name) for p in provinces)]
        choice_field(self, "batch").choices = [("", _("全部")), *((b.number, str(b)) for b in batches)]

    def filters(self) -> PilotFilters:
        """The filters that are valid; an invalid one is shown as an error, never silently widened."""
        if not self.is_bound:
            return PilotFilters()
        self.is_valid()
        data = self.cleaned_data
        return PilotFilters(
            batch=data.get("batch"),
            province=data.get("province", ""),
            region=data.get("region", ""),
            kind=data.get("kind", ""),
            status=data.get("status", ""),
            verification=data.get("verification", ""),
            q=data.get("q", ""),
        )


class RegistryUploadForm(Form):
    file = forms.FileField(label=_("名录文件（CSV 或 XLSX）"))


class StatusChangeForm(Form):
    to = forms.ChoiceField(label=_("新状态"), choices=PilotStatus.choices)
    effective_on = forms.DateField(label=_("生效日期"), widget=IsoDateInput)
    document_number = forms.CharField(
        label=_("依据文号"), required=False, max_length=max_length_of(PilotStatusChange, "document_number")
    )
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))
