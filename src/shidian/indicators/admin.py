"""The catalogue in the system admin: indicators, categories, periods and rules are reference data."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.core.exceptions import ValidationError

from shidian.core.admin import CapabilityAdmin, admin_site
from shidian.core.errors import DomainError
from shidian.core.forms import ModelForm as CleanModelForm
from shidian.indicators import services
from shidian.indicators.models import Indicator, IndicatorCategory, IndicatorPeriod, NationalTarget, ValidationRule


class IndicatorForm(CleanModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code", "name", "name_en", "unit", "category", "direction", "value_type", "decimals", "min_value",
            "max_value", "aggregation", "weight_indicator", "period_type", "source", "formula", "is_national",
            "is_active", "order",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        candidate = Indicator(
            pk=self.instance.pk,
            code=data.get("code") or "",
            formula=data.get("formula") or "",
            aggregation=data.get("aggregation") or "",
            weight_indicator=data.get("weight_indicator"),
        )
        try:
            services.check_indicator(candidate)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        return data


@admin.register(Indicator, site=admin_site)
class IndicatorAdmin(CapabilityAdmin):
    form = IndicatorForm
    list_display = ["code", "name", "unit", "category", "direction", "period_type", "aggregation", "is_national"]
    list_filter = ["category", "is_national", "period_type", "is_active"]
    search_fields = ["code", "name", "name_en"]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # retire an indicator with 启用 off; its values stay


@admin.register(IndicatorCategory, site=admin_site)
class IndicatorCategoryAdmin(CapabilityAdmin):
    list_display = ["code", "name", "order"]


@admin.register(IndicatorPeriod, site=admin_site)
class IndicatorPeriodAdmin(CapabilityAdmin):
    list_display = ["code", "year", "is_open"]
    period_fields: ClassVar[tuple[str, ...]] = ("code",)
    list_editable = ["is_open"]


@admin.register(ValidationRule, site=admin_site)
class ValidationRuleAdmin(CapabilityAdmin):
    list_display = ["name", "kind", "indicator", "operator", "other_indicator", "max_change_percent", "is_active"]


@admin.register(NationalTarget, site=admin_site)
class NationalTargetAdmin(CapabilityAdmin):
    list_display = ["indicator", "base_value", "target_text", "target_value", "comparator", "actual_value"]
