"""The annual evaluation (年度评估): schemes, expert scores, runs and their results, objections, warnings, exits."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shidian.core.scoping import ScopePath
from shidian.core.transitions import Flow
from shidian.evaluation.rules import RuleSet


class Grade(models.TextChoices):
    """Grade codes shared with rules.py and bulletin.py (EVAL_SEAMS.md)."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FROZEN = "frozen", _("已冻结")


class IndicatorMethod(models.TextChoices):
    """How indicator progress becomes a score (docs/evaluation.md, 评估方法)."""

    ATTAINMENT = "attainment", _("目标达成度（封顶）")
    MIN_MAX = "min_max", _("极差标准化")
    ENTROPY = "entropy", _("熵权法赋权")


class CompositeMethod(models.TextChoices):
    WEIGHTED = "weighted", _("加权求和")
    TOPSIS = "topsis", _("逼近理想解排序法")


class DimensionCode(models.TextChoices):
    TASKS = "tasks", _("任务完成")
    INDICATORS = "indicators", _("指标进展")
    INNOVATION = "innovation", _("改革创新与经验")
    REPORTING = "reporting", _("报告及时性与质量")
    PROVINCE = "province", _("省级评价")


# The defaults of issue #12: (code, weight, scoring rule as shown on every score card).
DEFAULT_DIMENSIONS: list[tuple[str, int, str]] = [
    (
        DimensionCode.TASKS,
        35,
        "当年到期节点中按期完成的比例（按工期加权），未按期但已完成的计一半；"
        "当年没有到期节点的试点本项不适用，其权重按比例分配给其余维度。",
    ),
    (DimensionCode.INDICATORS, 25, "有目标的指标按所选方法计分后取平均（目标达成度封顶）。"),
    (
        DimensionCode.INNOVATION,
        20,
        "专家逐项评分的平均（五位及以上专家时去掉一个最高分和一个最低分），"
        "加入选的典型经验（典型经验模块上线前计 0 分）。",
    ),
    (DimensionCode.REPORTING, 10, "当年年中和年度报告：按期报送 100 分，逾期 60 分，未报送 0 分；每退回一次扣 10 分。"),
    (DimensionCode.PROVINCE, 10, "省级发展改革部门对试点的评分（0～100），未评价计 0 分。"),
]


class Scheme(models.Model):
    """One year's evaluation scheme (评估方案): dimensions and weights, grade thresholds, method variants."""

    year = models.PositiveSmallIntegerField(_("评估年度"), unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    excellent_from = models.DecimalField(_("优秀分数线"), max_digits=5, decimal_places=2, default=Decimal(90))
    good_from = models.DecimalField(_("良好分数线"), max_digits=5, decimal_places=2, default=Decimal(80))
    pass_from = models.DecimalField(_("合格分数线"), max_digits=5, decimal_places=2, default=Decimal(60))
    indicator_method = models.CharField(
        _("指标计分方法"), max_length=12, choices=IndicatorMethod.choices, default=IndicatorMethod.ATTAINMENT
    )
    attainment_cap = models.DecimalField(
        _("达成度上限"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("1.5"))],
    )
    composite_method = models.CharField(
        _("综合排序方法"), max_length=10, choices=CompositeMethod.choices, default=CompositeMethod.WEIGHTED
    )
    max_expert_score = models.PositiveSmallIntegerField(_("专家评分满分"), default=100)
    scoring_opens_on = models.DateField(_("专家评分开始"), null=True, blank=True)
    scoring_closes_on = models.DateField(_("专家评分截止"), null=True, blank=True)
    objection_days = models.PositiveSmallIntegerField(_("异议期（天）"), default=10)
    # The warning and elimination rules of the year (预警与退出规则; rules.RuleSet), default and editable.
    warn_on_fail = models.BooleanField(_("不合格予以预警"), default=True)
    consecutive_fails_to_eliminate = models.PositiveSmallIntegerField(
        _("连续不合格几年建议退出"),
        default=2,
        validators=[MaxValueValidator(5)],
        help_text=_("0 表示不按连续不合格建议退出。"),
    )
    eliminate_on_failed_rectification = models.BooleanField(_("整改不合格建议退出"), default=True)
    eliminate_on_missing_year_end_report = models.BooleanField(_("未提交年度报告建议退出"), default=True)
    rectification_months = models.PositiveSmallIntegerField(
        _("整改期限（月）"), default=6, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评估方案")
        verbose_name_plural = _("评估方案")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(excellent_from__gt=models.F("good_from"), good_from__gt=models.F("pass_from")),
                name="evaluation_scheme_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(rectification_months__gte=1, rectification_months__lte=24),
                name="evaluation_scheme_rectification_months_range",
            ),
            models.CheckConstraint(
                condition=models.Q(consecutive_fails_to_eliminate__lte=5),
                name="evaluation_scheme_consecutive_fails_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(year)d年度评估方案") % {"year": self.year})

    def rule_set(self) -> RuleSet:
        """The year's warning and elimination rules as the pure rules module takes them."""
        return RuleSet(
            warn_on_fail=self.warn_on_fail,
            consecutive_fails_to_eliminate=self.consecutive_fails_to_eliminate,
            eliminate_on_failed_rectification=self.eliminate_on_failed_rectification,
            eliminate_on_missing_year_end_report=self.eliminate_on_missing_year_end_report,
            rectification_months=self.rectification_months,
        )

    def grade_for(self, score: Decimal) -> str:
        if score >= self.excellent_from:
            return Grade.EXCELLENT
        if score >= self.good_from:
            return Grade.GOOD
        if score >= self.pass_from:
            return Grade.PASS
        return Grade.FAIL


SCHEME_FLOW = Flow(
    model=Scheme,
    statuses=SchemeStatus,
    moves={SchemeStatus.DRAFT: frozenset({SchemeStatus.FROZEN}), SchemeStatus.FROZEN: frozenset()},
    action_prefix="evaluation.scheme",
    touch=("updated_at",),
)


class Dimension(models.Model):
    """One dimension of a scheme, with its weight (of 100) and the rule its score follows."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("评估方案"), on_delete=models.CASCADE, related_name="dimensions")
    code = models.CharField(_("维度"), max_length=12, choices=DimensionCode.choices)
    weight = models.DecimalField(
        _("权重"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    rule = models.TextField(_("计分规则"))
    position = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("评估维度")
        verbose_name_plural = _("评估维度")
        ordering = ["scheme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="evaluation_dimension_unique_code"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0, weight__lte=100), name="evaluation_dimension_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return self.get_code_display()

    @property
    def name(self) -> str:
        return str(self.get_code_display())


class ProvinceAssessment(models.Model):
    """The provincial commission's score of one of its pilots for a year (省级评价)."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="province_assessments"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    score = models.DecimalField(
        _("评分"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    comment = models.TextField(_("评价意见"), blank=True, max_length=2000)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"), auto_now=True)

    class Meta:
        verbose_name = _("省级评价")
        verbose_name_plural = _("省级评价")
        ordering = ["year", "pilot"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "year"], name="evaluation_provinceassessment_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="evaluation_provinceassessment_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} {self.year}: {self.score}"


class Expert(models.Model):
    """An evaluation expert's profile: the province of the expert's own unit (never assigned its pilots)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="expert_profile"
    )
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("所在省份"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("专家工作单位所在省份；不分配本省试点。"),
    )
    affiliation = models.CharField(_("工作单位"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("评估专家")
        verbose_name_plural = _("评估专家")

    def __str__(self) -> str:
        return self.user.full_name or self.user.username


class ScoreItem(models.TextChoices):
    """What an expert scores, item by item (each on 0..scheme.max_expert_score)."""

    REFORM = "reform", _("体制机制改革突破")
    RESULTS = "results", _("创新举措成效")
    REPLICABLE = "replicable", _("经验可复制可推广")


class ExpertAssignment(models.Model):
    """An expert assigned to score one pilot for a year, within the scheme's scoring window."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="expert_assignments"
    )
    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="expert_assignments"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    opens_on = models.DateField(_("评分开始"))
    closes_on = models.DateField(_("评分截止"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("分配人"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    comment = models.TextField(_("总体意见"), blank=True, max_length=2000)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家分配")
        verbose_name_plural = _("专家分配")
        ordering = ["year", "pilot", "expert"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "pilot", "year"], name="evaluation_assignment_unique"),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="evaluation_assignment_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.pilot} {self.year}"


class ExpertScore(models.Model):
    """One item of an expert's score of a pilot, with its comment."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="assignment__pilot__province", pilot="assignment__pilot")

    assignment = models.ForeignKey(
        ExpertAssignment, verbose_name=_("专家分配"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.CharField(_("评分项"), max_length=12, choices=ScoreItem.choices)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))])
    comment = models.TextField(_("评语"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("专家评分")
        verbose_name_plural = _("专家评分")
        ordering = ["assignment", "item"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "item"], name="evaluation_expertscore_one_per_item"),
            models.CheckConstraint(condition=models.Q(score__gte=0), name="evaluation_expertscore_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.item}: {self.score}"


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class RunState(models.TextChoices):
    """Where the computation stands (the task worker's progress), apart from the review status."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


# The steps of a run, in order (each is one set-based pass over every pilot; the progress bar counts them).
RUN_STEPS = (
    _("读取到期节点"),
    _("读取指标数值和目标"),
    _("读取报告、专家评分和省级评价"),
    _("计算得分、排名和等次"),
    _("保存结果"),
)


class Run(models.Model):
    """One computation of a year's evaluation: immutable inputs snapshot and results; corrections are new runs."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("评估方案"), on_delete=models.PROTECT, related_name="runs")
    number = models.PositiveSmallIntegerField(_("第几次计算"))
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    state = models.CharField(_("计算状态"), max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    total_pilots = models.PositiveIntegerField(_("试点数"), default=0)
    processed_pilots = models.PositiveIntegerField(_("已计算"), default=0)
    step = models.PositiveSmallIntegerField(_("计算步骤"), default=0, help_text=_("已完成的步骤数（见 RUN_STEPS）。"))
    error = models.TextField(_("错误"), blank=True)
    inputs = models.JSONField(_("输入快照"), default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_on = models.DateField(_("计算日期"), null=True, blank=True, help_text=_("业务日期。"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True, help_text=_("业务日期。"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    objections_until = models.DateField(_("异议截止"), null=True, blank=True)

    class Meta:
        verbose_name = _("评估计算")
        verbose_name_plural = _("评估计算")
        ordering = ["-scheme__year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="evaluation_run_unique_number"),
            models.UniqueConstraint(
                fields=["scheme"],
                condition=models.Q(status="published"),
                name="evaluation_run_one_published_per_scheme",
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(year)d年度评估第 %(n)d 次计算") % {"year": self.scheme.year, "n": self.number})

    @property
    def year(self) -> int:
        return self.scheme.year

    @property
    def percent(self) -> int:
        """The share of the run's steps done: a set-based run advances by steps, not by pilots."""
        if self.state == RunState.DONE:
            return 100
        return round(100 * min(self.step, len(RUN_STEPS)) / len(RUN_STEPS))

    @property
    def steps_total(self) -> int:
        return len(RUN_STEPS)

    @property
    def step_label(self) -> str:
        """What the run is doing now (the next step), or that it is done."""
        if self.state == RunState.DONE:
            return str(_("已完成"))
        return str(RUN_STEPS[min(self.step, len(RUN_STEPS) - 1)])


RUN_FLOW = Flow(
    model=Run,
    statuses=RunStatus,
    moves={RunStatus.DRAFT: frozenset({RunStatus.PUBLISHED}), RunStatus.PUBLISHED: frozenset()},
    action_prefix="evaluation.run",
    refusal=_("评估结果不能从“%(from)s”变为“%(to)s”：已发布的结果不再修改，更正请重新计算。"),
)

# The computation of a run (the task worker's progress): queued, running, then done or failed; a failed one
# may be computed again, a done one never.
RUN_STATE_FLOW = Flow(
    model=Run,
    statuses=RunState,
    moves={
        RunState.QUEUED: frozenset({RunState.RUNNING}),
        RunState.RUNNING: frozenset({RunState.DONE, RunState.FAILED}),
        RunState.FAILED: frozenset({RunState.RUNNING}),
        RunState.DONE: frozenset(),
    },
    action_prefix="evaluation.computation",
    status_field="state",
    refusal=_("评估计算不能从“%(from)s”变为“%(to)s”。"),
)


class Result(models.Model):
    """A pilot's result in a run: score, grade, ranks and the full breakdown of every number."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    run = models.ForeignKey(Run, verbose_name=_("评估计算"), on_delete=models.CASCADE, related_name="results")
    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="evaluation_results"
    )
    score = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("等次"), max_length=10, choices=Grade.choices)
    rank_overall = models.PositiveIntegerField(_("全国排名"))
    rank_batch = models.PositiveIntegerField(_("批次内排名"))
    rank_region = models.PositiveIntegerField(_("区域内排名"))
    rank_province = models.PositiveIntegerField(_("省内排名"))
    breakdown = models.JSONField(_("得分构成"), default=dict)

    class Meta:
        verbose_name = _("评估结果")
        verbose_name_plural = _("评估结果")
        ordering = ["run", "rank_overall", "pilot_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "pilot"], name="evaluation_result_one_per_pilot"),
            models.CheckConstraint(condition=models.Q(grade__in=Grade.values), name="evaluation_result_grade_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} {self.score}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")


class Objection(models.Model):
    """A province's objection to a pilot's draft result, and the commission's answer."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="result__pilot__province", pilot="result__pilot")

    result = models.ForeignKey(Result, verbose_name=_("评估结果"), on_delete=models.PROTECT, related_name="objections")
    province = models.ForeignKey(
        "regions.Province", verbose_name=_("提出省份"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    reasons = models.TextField(_("异议理由"), max_length=5000)
    evidence_name = models.CharField(_("佐证材料"), max_length=200, blank=True)
    evidence = models.BinaryField(_("佐证材料内容"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    filed_on = models.DateField(_("提出日期"), null=True, blank=True, help_text=_("业务日期。"))
    answer = models.TextField(_("答复"), blank=True, max_length=5000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评估异议")
        verbose_name_plural = _("评估异议")
        ordering = ["filed_at", "id"]

    def __str__(self) -> str:
        return f"{self.result.pilot} · {self.get_status_display()}"


OBJECTION_FLOW = Flow(
    model=Objection,
    statuses=ObjectionStatus,
    moves={ObjectionStatus.OPEN: frozenset({ObjectionStatus.ANSWERED}), ObjectionStatus.ANSWERED: frozenset()},
    action_prefix="evaluation.objection",
    refusal=_("异议已答复，不能再次答复。"),
)


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("待决定")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予批准")


DECISION_MOVES: dict[str, frozenset[str]] = {
    DecisionStatus.PROPOSED: frozenset({DecisionStatus.APPROVED, DecisionStatus.REJECTED}),
    DecisionStatus.APPROVED: frozenset(),
    DecisionStatus.REJECTED: frozenset(),
}


class Decided(models.Model):
    """What a warning and an elimination proposal share: the proposal and the commission's decision."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("评估年度"))
    run = models.ForeignKey(Run, verbose_name=_("评估计算"), on_delete=models.PROTECT, related_name="+")
    reason_code = models.CharField(_("依据规则"), max_length=30)
    reason = models.TextField(_("理由"))
    status = models.CharField(_("状态"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED)
    decision_reason = models.TextField(_("决定理由"), blank=True, max_length=2000)
    # Assigned at the decision by core.documents.numbers (the decider's organisation, the decision's year).
    document_number = models.CharField(_("决定文号"), max_length=80, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["year", "pilot"]


class Rectification(models.TextChoices):
    NONE = "none", _("无")
    PENDING = "pending", _("整改中")
    PASSED = "passed", _("整改合格")
    FAILED = "failed", _("整改不合格")


class Warning(Decided):
    """A warning proposed for a 不合格 grade, with its rectification deadline (整改期限)."""

    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    rectification = models.CharField(
        _("整改情况"), max_length=10, choices=Rectification.choices, default=Rectification.NONE
    )

    class Meta(Decided.Meta):
        verbose_name = _("警示")
        verbose_name_plural = _("警示")
        constraints = [
            models.UniqueConstraint(fields=["pilot", "year", "run"], name="evaluation_warning_one_per_run"),
        ]

    def __str__(self) -> str:
        return str(_("%(pilot)s %(year)d年度警示") % {"pilot": self.pilot, "year": self.year})


class EliminationProposal(Decided):
    """A proposal to eliminate a pilot (退出), which needs the commission's decision with a document number."""

    class Meta(Decided.Meta):
        verbose_name = _("退出建议")
        verbose_name_plural = _("退出建议")
        constraints = [
            models.UniqueConstraint(fields=["pilot", "year", "run"], name="evaluation_elimination_one_per_run"),
        ]

    def __str__(self) -> str:
        return str(_("%(pilot)s %(year)d年度退出建议") % {"pilot": self.pilot, "year": self.year})


WARNING_FLOW = Flow(
    model=Warning,
    statuses=DecisionStatus,
    moves=DECISION_MOVES,
    action_prefix="evaluation.warning",
    refusal=_("警示已决定，不能再次决定。"),
)
ELIMINATION_FLOW = Flow(
    model=EliminationProposal,
    statuses=DecisionStatus,
    moves=DECISION_MOVES,
    action_prefix="evaluation.elimination",
    refusal=_("退出建议已决定，不能再次决定。"),
)


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已印发")


class Bulletin(models.Model):
    """The bulletin (通报) of a published run: editable while a draft; at issue it gets its 发文字号 and date."""

    run = models.OneToOneField(Run, verbose_name=_("评估计算"), on_delete=models.PROTECT, related_name="bulletin")
    status = models.CharField(_("状态"), max_length=10, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT)
    # Assigned at issue by core.documents.numbers (per organisation and year, never reused); blank while a draft.
    number = models.CharField(_("发文字号"), max_length=80, blank=True, editable=False)
    title = models.CharField(_("标题"), max_length=200)
    experiences = models.TextField(_("典型经验"), blank=True, max_length=5000, help_text=_("每行一条。"))
    problems = models.TextField(_("共性问题"), blank=True, max_length=5000, help_text=_("每行一条。"))
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("拟稿人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评估通报")
        verbose_name_plural = _("评估通报")

    def __str__(self) -> str:
        return self.title


BULLETIN_FLOW = Flow(
    model=Bulletin,
    statuses=BulletinStatus,
    moves={BulletinStatus.DRAFT: frozenset({BulletinStatus.ISSUED}), BulletinStatus.ISSUED: frozenset()},
    action_prefix="evaluation.bulletin",
    refusal=_("通报已印发，不能再修改或再次印发。"),
    touch=("updated_at",),
)
