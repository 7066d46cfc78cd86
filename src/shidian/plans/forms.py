"""Forms of the plan pages; choices are limited to what the pilot may use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shidian.accounts.models import Organisation, User
from shidian.core.errors import DomainError
from shidian.core.forms import Form, IsoDateInput, choice_field, max_length_of, model_choice_field
from shidian.plans import services
from shidian.plans.models import (
    AnnualGoal,
    FocusArea,
    Goal,
    LeadingGroupMember,
    MemberRole,
    Milestone,
    MilestoneStatus,
    Task,
    WorkPlan,
)
from shidian.plans.services import MAX_WEIGHT

# A ceiling the form states before the programme window is known (services check the window itself).
MAX_DURATION_DAYS = 36_600


def _as_field_error(check: Callable[[], None]) -> None:
    """Run a service's check and show its refusal under the field instead of as a page message."""
    try:
        check()
    except DomainError as exc:
        raise forms.ValidationError(exc.message) from exc


class TextsForm(Form):
    implementation_plan = forms.CharField(label=_("实施方案"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    action_plan = forms.CharField(label=_("行动计划"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class GoalForm(Form):
    text = forms.CharField(label=_("目标"), max_length=max_length_of(Goal, "text"))
    target_year = forms.TypedChoiceField(label=_("目标年份"), coerce=int, choices=[])

    def __init__(self, *args: Any, years: tuple[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "target_year").choices = [(y, str(y)) for y in years]


class TaskForm(Form):
    title = forms.CharField(label=_("任务"), max_length=max_length_of(Task, "title"))
    focus_area = forms.ModelChoiceField(label=_("重点领域"), queryset=FocusArea.objects.filter(is_active=True))
    lead_department = forms.ModelChoiceField(label=_("牵头单位"), queryset=Organisation.objects.none())
    supporting_departments = forms.ModelMultipleChoiceField(
        label=_("配合单位"), queryset=Organisation.objects.none(), required=False
    )
    responsible_user = forms.ModelChoiceField(
        label=_("责任人（本试点用户）"), queryset=User.objects.none(), required=False
    )
    responsible_name = forms.CharField(
        label=_("责任人（姓名）"), max_length=max_length_of(Task, "responsible_name"), required=False
    )
    responsible_contact = forms.CharField(
        label=_("联系方式"), max_length=max_length_of(Task, "responsible_contact"), required=False
    )
    deadline = forms.DateField(label=_("完成期限"), widget=IsoDateInput)
    weight = forms.IntegerField(label=_("权重"), min_value=1, max_value=MAX_WEIGHT, initial=1)
    use_working_days = forms.BooleanField(label=_("按工作日排期"), required=False)

    def __init__(
        self, *args: Any, departments: Any, users: Any = None, plan: WorkPlan | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        model_choice_field(self, "lead_department").queryset = departments
        model_choice_field(self, "supporting_departments").queryset = departments
        if users is not None:
            model_choice_field(self, "responsible_user").queryset = users

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("responsible_user") and not data.get("responsible_name"):
            raise forms.ValidationError(_("请指定责任人（用户或姓名）。"))
        return data

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        plan = self.plan
        if plan is not None:
            _as_field_error(lambda: services.check_in_window(plan, deadline, label=str(_("任务期限"))))
        return deadline


class MilestoneForm(Form):
    name = forms.CharField(label=_("节点"), max_length=max_length_of(Milestone, "name"))
    duration_days = forms.IntegerField(label=_("工期（天）"), min_value=1, max_value=MAX_DURATION_DAYS)
    deliverable = forms.CharField(
        label=_("成果形式"), max_length=max_length_of(Milestone, "deliverable"), required=False
    )
    due_by = forms.DateField(label=_("要求完成时间"), widget=IsoDateInput, required=False)
    depends_on = forms.ModelMultipleChoiceField(label=_("前置节点"), queryset=Milestone.objects.none(), required=False)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        model_choice_field(self, "depends_on").queryset = task.milestones.all()

    def clean_duration_days(self) -> Any:
        duration = self.cleaned_data["duration_days"]
        plan = self.task.version.plan
        _as_field_error(lambda: services.check_duration(plan, duration, name=self.data.get("name", "")))
        return duration

    def clean_due_by(self) -> Any:
        due_by = self.cleaned_data["due_by"]
        if due_by is not None:
            plan = self.task.version.plan
            _as_field_error(lambda: services.check_in_window(plan, due_by, label=str(_("要求完成时间"))))
        return due_by


class DependenciesForm(Form):
    depends_on = forms.ModelMultipleChoiceField(label=_("前置节点"), queryset=Milestone.objects.none(), required=False)

    def __init__(self, *args: Any, milestone: Milestone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "depends_on").queryset = milestone.task.milestones.exclude(pk=milestone.pk)


class ReviewForm(Form):
    decision = forms.ChoiceField(label=_("审核结论"), choices=[("return", _("退回修改")), ("approve", _("批准"))])
    comment = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ProgressForm(Form):
    progress_percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("状态"), choices=MilestoneStatus.choices)
    note = forms.CharField(label=_("进展说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    finished_on = forms.DateField(label=_("实际完成日期"), widget=IsoDateInput, required=False)


class EvidenceForm(Form):
    file = forms.FileField(label=_("佐证材料（PDF、图片、DOCX、XLSX）"))


class MemberForm(Form):
    role = forms.ChoiceField(label=_("职务"), choices=MemberRole.choices)
    person_name = forms.CharField(
        label=_("姓名"), max_length=max_length_of(LeadingGroupMember, "person_name"), required=False
    )
    title = forms.CharField(label=_("职务说明"), max_length=max_length_of(LeadingGroupMember, "title"), required=False)
    organisation = forms.ModelChoiceField(label=_("成员单位"), queryset=Organisation.objects.none(), required=False)
    valid_from = forms.DateField(label=_("起始日期"), widget=IsoDateInput)

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = departments


class EndMemberForm(Form):
    valid_until = forms.DateField(label=_("终止日期"), widget=IsoDateInput)


class AnnualGoalForm(Form):
    text = forms.CharField(label=_("目标"), max_length=max_length_of(AnnualGoal, "text"))
    due_on = forms.DateField(label=_("完成时间"), widget=IsoDateInput, required=False)


class PlanUploadForm(Form):
    file = forms.FileField(label=_("填好的工作方案模板（XLSX）"))
