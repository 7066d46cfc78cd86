"""Filters of the ranking table: province, batch, region, grade."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shidian.core.filters import ListFilter, choice_of
from shidian.evaluation.models import Grade
from shidian.pilots.models import Batch
from shidian.regions.models import Province, RegionClass


class ResultFilter(ListFilter):
    province = choice_of(Province.objects.order_by("code"), _("省份"))
    batch = choice_of(Batch.objects.order_by("number"), _("批次"))
    region = forms.ChoiceField(label=_("区域"), required=False, choices=[("", _("全部")), *RegionClass.choices])
    grade = forms.ChoiceField(label=_("等次"), required=False, choices=[("", _("全部")), *Grade.choices])
