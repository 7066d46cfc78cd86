"""Work plans: focus areas, leading groups, plan versions with goals, tasks and milestones, annual plans."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shidian.core.audit_actions import AuditAction
from shidian.core.scoping import ScopePath
from shidian.core.transitions import Flow


class FocusAreaGroup(models.TextChoices):
    NOTICE_2016 = "notice_2016", _("第三批通知重点")
    OVERALL_PLAN_2014 = "overall_plan_2014", _("2014年总体实施方案任务")
    LAND = "land", _("用地承诺")


class FocusArea(models.Model):
    """A focus area of the pilots' tasks (reference data; the system admin may add more)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    group = models.CharField(_("类别"), max_length=20, choices=FocusAreaGroup.choices)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("重点领域")
        verbose_name_plural = _("重点领域")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class LeadingGroup(models.Model):
    """领导小组 of one pilot; its members are kept with their dates (history, not overwritten)."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    pilot = models.OneToOneField(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="leading_group"
    )
    name = models.CharField(_("名称"), max_length=120)
    office_name = models.CharField(_("办公室"), max_length=120, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("领导小组")
        verbose_name_plural = _("领导小组")

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER_DEPARTMENT = "member_department", _("成员单位")
    OFFICE_HEAD = "office_head", _("办公室主任")


class LeadingGroupMember(models.Model):
    """One seat in a leading group for a period (valid_until empty = current)."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="group__pilot__province", pilot="group__pilot")

    group = models.ForeignKey(
        LeadingGroup, verbose_name=_("领导小组"), on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(_("职务"), max_length=20, choices=MemberRole.choices)
    person_name = models.CharField(_("姓名"), max_length=60, blank=True)
    title = models.CharField(_("职务说明"), max_length=120, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    valid_from = models.DateField(_("起始日期"))
    valid_until = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("领导小组成员")
        verbose_name_plural = _("领导小组成员")
        ordering = ["group", "role", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="plans_leadinggroupmember_period_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(person_name="") | models.Q(organisation__isnull=False),
                name="plans_leadinggroupmember_names_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.person_name or str(self.organisation)


class WorkPlan(models.Model):
    """The work plan (工作方案要点、实施方案、行动计划) of one pilot; its content lives in versions."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    pilot = models.OneToOneField(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="work_plan"
    )
    start_date = models.DateField(_("方案起始日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("工作方案")
        verbose_name_plural = _("工作方案")

    def __str__(self) -> str:
        return str(self.pilot)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准")


# Plan review (省级发展改革部门指导实施方案和行动计划). An approved version is frozen for good.
PLAN_MOVES: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.SUBMITTED}),
    PlanStatus.SUBMITTED: frozenset({PlanStatus.RETURNED, PlanStatus.APPROVED}),
    PlanStatus.RETURNED: frozenset({PlanStatus.DRAFT, PlanStatus.SUBMITTED}),
    PlanStatus.APPROVED: frozenset(),
}
EDITABLE_STATUSES = frozenset({PlanStatus.DRAFT, PlanStatus.RETURNED})


class PlanVersion(models.Model):
    """One version of a pilot's plan. Editable only as a draft or when returned; approved is immutable."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="plan__pilot__province", pilot="plan__pilot")

    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作方案"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    implementation_plan = models.TextField(_("实施方案"), blank=True)
    action_plan = models.TextField(_("行动计划"), blank=True)
    based_on = models.ForeignKey(
        "self", verbose_name=_("基于版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_planversion_unique_number"),
            models.CheckConstraint(condition=models.Q(status__in=PlanStatus.values), name="plans_planversion_status"),
        ]

    def __str__(self) -> str:
        return _("%(plan)s 第 %(number)d 版") % {"plan": self.plan, "number": self.number}

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


PLAN_FLOW = Flow(
    model=PlanVersion,
    statuses=PlanStatus,
    moves=PLAN_MOVES,
    action_prefix="plans.version",
    refusal=_("方案版本不能从“%(from)s”变为“%(to)s”。"),
)


class Goal(models.Model):
    """A goal of the plan with its target year: the batch's stage-result year or the programme's end."""

    version = models.ForeignKey(PlanVersion, verbose_name=_("方案版本"), on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    text = models.CharField(_("目标"), max_length=300)
    target_year = models.PositiveSmallIntegerField(_("目标年份"))

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["version_id", "target_year", "position", "id"]
        constraints = [
            # Which years a pilot may use comes from the registry (services.allowed_goal_years); the
            # database only keeps out years no plan could mean.
            models.CheckConstraint(
                condition=models.Q(target_year__gte=2000, target_year__lte=2100), name="plans_goal_target_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Task(models.Model):
    """A task of the plan: one focus area, a lead department of the pilot, a person, a deadline."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="version__plan__pilot__province", pilot="version__plan__pilot")

    version = models.ForeignKey(PlanVersion, verbose_name=_("方案版本"), on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    title = models.CharField(_("任务"), max_length=200)
    focus_area = models.ForeignKey(FocusArea, verbose_name=_("重点领域"), on_delete=models.PROTECT, related_name="+")
    lead_department = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    supporting_departments = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("配合单位"), blank=True, related_name="supported_tasks"
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人（用户）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_name = models.CharField(_("责任人"), max_length=60, blank=True)
    responsible_contact = models.CharField(_("责任人联系方式"), max_length=60, blank=True)
    deadline = models.DateField(_("完成期限"))
    weight = models.PositiveSmallIntegerField(_("权重"), default=1, validators=[MinValueValidator(1)])
    use_working_days = models.BooleanField(_("按工作日排期"), default=False)
    schedule_note = models.CharField(_("排期说明"), max_length=200, blank=True)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("来源"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The reference names as approved (focus area, departments): a later rename must not rewrite an approved plan.
    approved_names = models.JSONField(_("批准时的名称"), default=dict, blank=True)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["version_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(responsible_user__isnull=False) | ~models.Q(responsible_name=""),
                name="plans_task_has_responsible_person",
            ),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="plans_task_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def responsible(self) -> str:
        return self.responsible_name or str(self.responsible_user or "")

    @property
    def focus_area_label(self) -> str:
        """The focus area's name as approved, else as it is now."""
        return str(self.approved_names.get("focus_area") or self.focus_area.name)

    @property
    def lead_department_label(self) -> str:
        return str(self.approved_names.get("lead_department") or self.lead_department.name)

    @property
    def supporting_labels(self) -> list[str]:
        frozen = self.approved_names.get("supporting_departments")
        if frozen is not None:
            return [str(name) for name in frozen]
        return [o.name for o in self.supporting_departments.all()]

    def names_in_force(self) -> dict[str, object]:
        """The reference names this task shows now, to be frozen when its version is approved."""
        return {
            "focus_area": self.focus_area.name,
            "lead_department": self.lead_department.name,
            "supporting_departments": [o.name for o in self.supporting_departments.all()],
        }


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
    BLOCKED = "blocked", _("受阻")


# A department reports progress in any open state (staying in it included); a finished milestone
# is only reopened as running, never reset to not started or blocked.
MILESTONE_MOVES: dict[str, frozenset[str]] = {
    MilestoneStatus.NOT_STARTED: frozenset(MilestoneStatus.values),
    MilestoneStatus.IN_PROGRESS: frozenset(MilestoneStatus.values),
    MilestoneStatus.BLOCKED: frozenset(MilestoneStatus.values),
    MilestoneStatus.DONE: frozenset({MilestoneStatus.DONE, MilestoneStatus.IN_PROGRESS}),
}


class Milestone(models.Model):
    """节点: ordered, with a duration and dependencies; planned dates come from backward scheduling."""

    scope_path: ClassVar[ScopePath] = ScopePath(
        province="task__version__plan__pilot__province", pilot="task__version__plan__pilot"
    )

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("节点"), max_length=200)
    deliverable = models.CharField(_("成果形式"), max_length=200, blank=True)
    duration_days = models.PositiveIntegerField(_("工期（天）"), validators=[MinValueValidator(1)])
    depends_on = models.ManyToManyField(
        "self", verbose_name=_("前置节点"), symmetrical=False, blank=True, related_name="successors"
    )
    due_by = models.DateField(_("要求完成时间"), null=True, blank=True, help_text=_("不得晚于任务期限。"))
    planned_start = models.DateField(_("计划开始"), null=True, blank=True)
    planned_finish = models.DateField(_("计划完成"), null=True, blank=True)
    slack_days = models.IntegerField(_("机动时间（天）"), null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(
        _("完成进度（%）"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED
    )
    note = models.TextField(_("进展说明"), blank=True)
    finished_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    progress_updated_at = models.DateTimeField(_("进度更新时间"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("来源"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        # By the column, not the relation: "task" would pull in Task's and PlanVersion's orderings, i.e. joins
        # over tasks and versions in every milestone query and prefetch (a statement timeout on PostgreSQL).
        ordering = ["task_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_percent__gte=0, progress_percent__lte=100),
                name="plans_milestone_progress_0_to_100",
            ),
            models.CheckConstraint(condition=models.Q(duration_days__gte=1), name="plans_milestone_duration_positive"),
            models.CheckConstraint(
                condition=models.Q(planned_start__isnull=True)
                | models.Q(planned_finish__isnull=True)
                | models.Q(planned_finish__gte=models.F("planned_start")),
                name="plans_milestone_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_overdue(self, today: dt.date) -> bool:
        """Past its planned finish and not done."""
        return self.status != MilestoneStatus.DONE and self.planned_finish is not None and self.planned_finish < today


def evidence_path(instance: MilestoneEvidence, filename: str) -> str:
    return f"plans/evidence/{instance.milestone_id}/{filename}"


MILESTONE_FLOW = Flow(
    model=Milestone,
    statuses=MilestoneStatus,
    moves=MILESTONE_MOVES,
    action_prefix="plans.milestone",
    action=AuditAction.MILESTONE_PROGRESS,
    refusal=_("节点状态不能从“%(from)s”变为“%(to)s”。"),
)


class MilestoneEvidence(models.Model):
    """A file proving a milestone's progress (type checked by content, size limited)."""

    scope_path: ClassVar[ScopePath] = ScopePath(
        province="milestone__task__version__plan__pilot__province", pilot="milestone__task__version__plan__pilot"
    )

    milestone = models.ForeignKey(Milestone, verbose_name=_("节点"), on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path)
    original_name = models.CharField(_("原文件名"), max_length=200)
    kind = models.CharField(_("文件类型"), max_length=10)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["milestone_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class AnnualPlan(models.Model):
    """A responsible department's plan for one year (部门年度计划), generated from the plan then edited."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="annual_plans"
    )
    department = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="annual_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    generated_from = models.ForeignKey(
        PlanVersion, verbose_name=_("生成自"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("部门年度计划")
        verbose_name_plural = _("部门年度计划")
        ordering = ["pilot", "department", "year"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="plans_annualplan_unique_department_year"),
        ]

    def __str__(self) -> str:
        return _("%(department)s %(year)d 年度计划") % {"department": self.department, "year": self.year}


class AnnualGoal(models.Model):
    """One goal of an annual plan: a milestone due that year, or free text."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="annual_plan__pilot__province", pilot="annual_plan__pilot")

    annual_plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="goals"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    text = models.CharField(_("目标"), max_length=300)
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("节点"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        ordering = ["annual_plan_id", "position", "id"]

    def __str__(self) -> str:
        return self.text


class PendingPlanImport(models.Model):
    """An uploaded plan workbook between its preview and its confirmation; it expires (like a registry import)."""

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("方案版本"), on_delete=models.CASCADE, related_name="pending_imports"
    )
    content = models.BinaryField(_("文件内容"))
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待确认的方案导入")
        verbose_name_plural = _("待确认的方案导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.version} · {self.file_name}"
