"""Evaluation forms. Numbers stay text here: the services check them and name the field in a refusal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shidian.accounts.models import User
from shidian.core.forms import Form, model_choice_field
from shidian.core.roles import Role
from shidian.evaluation.models import CompositeMethod, DimensionCode, IndicatorMethod, Scheme, ScoreItem
from shidian.pilots.models import PilotArea

TEXT = {"rows": 3}


class NewSchemeForm(Form):
    year = forms.IntegerField(label=_("评估年度"), min_value=2015, max_value=2030)


class SchemeForm(Form):
    excellent_from = forms.CharField(label=_("优秀分数线"), max_length=10)
    good_from = forms.CharField(label=_("良好分数线"), max_length=10)
    pass_from = forms.CharField(label=_("合格分数线"), max_length=10)
    indicator_method = forms.ChoiceField(label=_("指标计分方法"), choices=IndicatorMethod.choices)
    composite_method = forms.ChoiceField(label=_("综合排序方法"), choices=CompositeMethod.choices)
    scoring_opens_on = forms.DateField(label=_("专家评分开始"), required=False)
    scoring_closes_on = forms.DateField(label=_("专家评分截止"), required=False)
    objection_days = forms.IntegerField(label=_("异议期（天）"), min_value=0, max_value=60)

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        initial = {
            "excellent_from": scheme.excellent_from,
            "good_from": scheme.good_from,
            "pass_from": scheme.pass_from,
            "indicator_method": scheme.indicator_method,
            "composite_method": scheme.composite_method,
            "scoring_opens_on": scheme.scoring_opens_on,
            "scoring_closes_on": scheme.scoring_closes_on,
            "objection_days": scheme.objection_days,
        }
        for dim in scheme.dimensions.all():
            initial[f"weight_{dim.code}"] = dim.weight
        super().__init__(*args, initial=initial, **kwargs)
        for code, label in DimensionCode.choices:
            self.fields[f"weight_{code}"] = forms.CharField(label=_("%(name)s权重") % {"name": label}, max_length=10)

    def weights(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"weight_{code}"] for code in DimensionCode.values}

    def thresholds(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in ("excellent_from", "good_from", "pass_from")}


class RulesForm(Form):
    """The year's warning and elimination rules (numbers stay text: the service names the field it refuses)."""

    warn_on_fail = forms.BooleanField(label=_("不合格予以预警"), required=False)
    consecutive_fails_to_eliminate = forms.CharField(
        label=_("连续不合格几年建议退出（0 表示不按此规则）"), max_length=2
    )
    eliminate_on_failed_rectification = forms.BooleanField(label=_("整改不合格建议退出"), required=False)
    eliminate_on_missing_year_end_report = forms.BooleanField(label=_("未提交年度报告建议退出"), required=False)
    rectification_months = forms.CharField(label=_("整改期限（月，1～24）"), max_length=3)

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        fields = (
            "warn_on_fail",
            "consecutive_fails_to_eliminate",
            "eliminate_on_failed_rectification",
            "eliminate_on_missing_year_end_report",
            "rectification_months",
        )
        super().__init__(*args, initial={f: getattr(scheme, f) for f in fields}, **kwargs)


class AssignForm(Form):
    expert = forms.ModelChoiceField(label=_("专家"), queryset=User.objects.none())
    pilot = forms.ModelChoiceField(label=_("试点地区"), queryset=PilotArea.objects.none())

    def __init__(self, *args: Any, pilots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "expert").queryset = User.objects.filter(role=Role.EXPERT, is_active=True).order_by(
            "username"
        )
        model_choice_field(self, "pilot").queryset = pilots


class AssessmentForm(Form):
    pilot = forms.ModelChoiceField(label=_("试点地区"), queryset=PilotArea.objects.none())
    score = forms.CharField(label=_("省级评分（0～100）"), max_length=10)
    comment = forms.CharField(label=_("评价意见"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args: Any, pilots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pilot").queryset = pilots


class ExpertScoreForm(Form):
    comment = forms.CharField(label=_("总体意见"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args: Any, top: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in ScoreItem.choices:
            self.fields[f"score_{code}"] = forms.CharField(
                label=_("%(item)s（0～%(top)d）") % {"item": label, "top": top}, max_length=10, required=False
            )
            self.fields[f"comment_{code}"] = forms.CharField(
                label=_("%(item)s评语") % {"item": label}, required=False, max_length=2000
            )

    def scores(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"score_{code}"] for code in ScoreItem.values}

    def comments(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"comment_{code}"] for code in ScoreItem.values}


class ObjectionForm(Form):
    reasons = forms.CharField(label=_("异议理由"), max_length=5000, widget=forms.Textarea(attrs=TEXT))
    evidence = forms.FileField(label=_("佐证材料（可选，PDF、图片或 DOCX）"), required=False)


class AnswerForm(Form):
    answer = forms.CharField(label=_("答复"), max_length=5000, widget=forms.Textarea(attrs=TEXT))


class DecisionForm(Form):
    decision = forms.ChoiceField(label=_("决定"), choices=[("approve", _("批准")), ("reject", _("不予批准"))])
    reason = forms.CharField(label=_("决定理由"), max_length=2000, widget=forms.Textarea(attrs=TEXT))


class RectificationForm(Form):
    outcome = forms.ChoiceField(label=_("整改结果"), choices=[("passed", _("整改合格")), ("failed", _("整改不合格"))])
    note = forms.CharField(label=_("依据"), max_length=2000)


class BulletinForm(Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    experiences = forms.CharField(
        label=_("典型经验（每行一条）"), required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )
    problems = forms.CharField(
        label=_("共性问题（每行一条）"), required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )
