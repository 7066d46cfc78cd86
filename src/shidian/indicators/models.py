"""Indicator catalogue, targets, reported values with versions, validation rules, quality issues, imports."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shidian.core.audit_actions import AuditAction
from shidian.core.scoping import ScopePath
from shidian.core.transitions import Flow


class IndicatorCategory(models.Model):
    """A group of indicators (城镇化水平, 基本公共服务, 土地利用 ...), usually one focus area of the programme."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("指标类别")
        verbose_name_plural = _("指标类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    POSITIVE = "positive", _("正向")
    NEGATIVE = "negative", _("逆向")


class ValueType(models.TextChoices):
    NUMBER = "number", _("数值")
    PERCENT = "percent", _("百分比")
    YES_NO = "yes_no", _("是/否")


class Aggregation(models.TextChoices):
    SUM = "sum", _("求和")
    MEAN = "mean", _("平均")
    WEIGHTED_MEAN = "weighted_mean", _("加权平均")


class PeriodType(models.TextChoices):
    HALF_YEAR = "half_year", _("半年")
    YEAR = "year", _("年度")


class Comparator(models.TextChoices):
    ABOUT = "about", _("左右")
    AT_LEAST = "gte", _("不低于")
    AT_MOST = "lte", _("不高于")
    EXACT = "eq", _("达到")


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def active(self) -> IndicatorQuerySet:
        return self.filter(is_active=True)

    def with_category(self) -> IndicatorQuerySet:
        return self.select_related("category", "weight_indicator")


class Indicator(models.Model):
    """One indicator of the comprehensive evaluation indicator system."""

    code = models.SlugField(_("指标代码"), max_length=60, unique=True)
    name = models.CharField(_("指标名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    category = models.ForeignKey(
        IndicatorCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="indicators"
    )
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices, default=Direction.POSITIVE)
    value_type = models.CharField(_("数值类型"), max_length=10, choices=ValueType.choices, default=ValueType.NUMBER)
    decimals = models.PositiveSmallIntegerField(_("小数位数"), default=2)
    min_value = models.DecimalField(_("有效下限"), max_digits=20, decimal_places=6, null=True, blank=True)
    max_value = models.DecimalField(_("有效上限"), max_digits=20, decimal_places=6, null=True, blank=True)
    aggregation = models.CharField(_("汇总方式"), max_length=15, choices=Aggregation.choices, default=Aggregation.MEAN)
    weight_indicator = models.ForeignKey(
        "self",
        verbose_name=_("权重指标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("加权平均时的权重，例如常住人口。"),
    )
    period_type = models.CharField(_("填报周期"), max_length=10, choices=PeriodType.choices, default=PeriodType.YEAR)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    formula = models.CharField(
        _("计算公式"),
        max_length=300,
        blank=True,
        help_text=_("由其他指标计算的指标填写，例如 hukou_urban_population / hukou_population * 100。"),
    )
    is_national = models.BooleanField(_("国家规划主要指标"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["category__order", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=True)
                | models.Q(max_value__isnull=True)
                | models.Q(min_value__lte=models.F("max_value")),
                name="indicators_indicator_range_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(aggregation="weighted_mean") | models.Q(weight_indicator__isnull=False),
                name="indicators_indicator_weighted_needs_weight",
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values), name="indicators_indicator_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return bool(self.formula.strip())

    @property
    def range_label(self) -> str:
        low = "" if self.min_value is None else f"{self.min_value.normalize():f}"
        high = "" if self.max_value is None else f"{self.max_value.normalize():f}"
        return f"{low} ~ {high}" if (low or high) else ""


class NationalTarget(models.Model):
    """A main indicator of the National New-type Urbanization Plan 2014-2020: 2012 value and 2020 target."""

    indicator = models.OneToOneField(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="national_target"
    )
    base_year = models.PositiveSmallIntegerField(_("基期年份"), default=2012)
    base_value = models.DecimalField(_("基期值"), max_digits=20, decimal_places=6, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("目标年份"), default=2020)
    target_value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=6)
    comparator = models.CharField(_("目标要求"), max_length=5, choices=Comparator.choices)
    target_text = models.CharField(_("规划原文"), max_length=40)
    nature = models.CharField(_("属性"), max_length=20, blank=True)
    actual_value = models.DecimalField(_("目标年实际值"), max_digits=20, decimal_places=6, null=True, blank=True)
    source_note = models.TextField(_("来源说明"), blank=True)

    class Meta:
        verbose_name = _("国家目标")
        verbose_name_plural = _("国家目标")
        ordering = ["indicator__category__order", "indicator__order"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.target_text}"


class PilotTarget(models.Model):
    """A pilot's target for an indicator from its work plan: the stage year (2017/2018) and 2020."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.CASCADE, related_name="indicator_targets"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    target_year = models.PositiveSmallIntegerField(_("目标年份"))
    target_value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=6)
    comparator = models.CharField(_("目标要求"), max_length=5, choices=Comparator.choices, default=Comparator.EXACT)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("试点目标")
        verbose_name_plural = _("试点目标")
        ordering = ["pilot", "indicator", "target_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "indicator", "target_year"], name="indicators_pilottarget_unique_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} {self.indicator} {self.target_year}"


class IndicatorPeriod(models.Model):
    """A reporting period for indicator values and whether it is open for entry and import."""

    code = models.CharField(_("期间"), max_length=7, unique=True)
    year = models.PositiveSmallIntegerField(_("年份"))
    is_open = models.BooleanField(_("开放填报"), default=True)

    class Meta:
        verbose_name = _("填报期间")
        verbose_name_plural = _("填报期间")
        ordering = ["year", "code"]

    def __str__(self) -> str:
        return self.code


class ValueStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    ACCEPTED = "accepted", _("已确认")


# Allowed moves of a value version; an accepted value is corrected by a new version, never changed.
VALUE_MOVES: dict[str, frozenset[str]] = {
    ValueStatus.DRAFT: frozenset({ValueStatus.SUBMITTED}),
    ValueStatus.SUBMITTED: frozenset({ValueStatus.ACCEPTED, ValueStatus.DRAFT}),
    ValueStatus.ACCEPTED: frozenset(),
}

# Values that count in monitoring and roll-ups (a draft is not yet reported).
REPORTED = (ValueStatus.SUBMITTED, ValueStatus.ACCEPTED)


class ValueSource(models.TextChoices):
    FORM = "form", _("表单填报")
    IMPORT = "import", _("批量导入")
    API = "api", _("接口")
    COMPUTED = "computed", _("公式计算")


class IndicatorValueQuerySet(models.QuerySet["IndicatorValue"]):
    def current(self) -> IndicatorValueQuerySet:
        return self.filter(is_current=True)

    def reported(self) -> IndicatorValueQuerySet:
        return self.filter(is_current=True, status__in=REPORTED)


class IndicatorValue(models.Model):
    """One version of a value of an indicator for a pilot and period.

    Exactly one version per (pilot, indicator, period) is current. ``year`` repeats the period's year: it is
    the partition key of the table on PostgreSQL (docs/indicators.md).
    """

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="indicator_values"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="values")
    period = models.CharField(_("期间"), max_length=7)
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=6)
    status = models.CharField(_("状态"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.DRAFT)
    source = models.CharField(_("来源"), max_length=10, choices=ValueSource.choices, default=ValueSource.FORM)
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("当前版本"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    import_job = models.ForeignKey(
        "ImportJob", verbose_name=_("导入任务"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标数值")
        verbose_name_plural = _("指标数值")
        ordering = ["pilot", "indicator", "period", "version"]
        constraints = [
            # ``year`` follows from ``period``; it is in every unique key because PostgreSQL partitions the
            # table by year and a partitioned table's unique keys must contain the partition key.
            models.UniqueConstraint(
                fields=["pilot", "indicator", "period", "year"],
                condition=models.Q(is_current=True),
                name="indicators_indicatorvalue_one_current",
            ),
            models.UniqueConstraint(
                fields=["pilot", "indicator", "period", "version", "year"],
                name="indicators_indicatorvalue_unique_version",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="indicators_indicatorvalue_year_plausible"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ValueStatus.values), name="indicators_indicatorvalue_status_valid"
            ),
        ]
        indexes = [
            # Roll-ups and rankings: one indicator, one period, every area.
            models.Index(
                fields=["indicator", "period", "pilot"],
                condition=models.Q(is_current=True),
                name="indicators_value_rollup",
            ),
            # A pilot's time series and entry form.
            models.Index(fields=["pilot", "period"], name="indicators_value_pilot_period"),
            models.Index(fields=["year", "indicator"], name="indicators_value_year"),
            # The values waiting for a province's review (its workbench and review list): a handful of rows
            # among every value ever reported, which without it were a scan of the whole table (issue 16).
            models.Index(
                fields=["pilot", "period"],
                condition=models.Q(is_current=True, status="submitted"),
                name="indicators_value_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} {self.indicator} {self.period} v{self.version}"


class IndicatorRollup(models.Model):
    """The reported values of one indicator and period in one province, kept up to date as values are written.

    Maintained by ``indicators.aggregates`` inside the transaction of every service that writes values, so
    the monitoring pages read one row per province instead of scanning the values (docs/indicators.md);
    ``manage.py rebuild_indicator_rollups`` recomputes it from scratch. The national roll-up is the sum
    over provinces. ``weighted_*`` count only the values whose pilot has a positive weight (the value of
    the indicator's ``weight_indicator`` for the same pilot and period).
    """

    scope_path: ClassVar[ScopePath] = ScopePath(province="province", pilot=None)

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("期间"), max_length=7)
    province = models.ForeignKey(
        "regions.Province", verbose_name=_("省级单位"), on_delete=models.CASCADE, related_name="+"
    )
    areas = models.PositiveIntegerField(_("报送地区数"))
    total = models.DecimalField(_("合计"), max_digits=32, decimal_places=6)
    minimum = models.DecimalField(_("最小值"), max_digits=20, decimal_places=6)
    maximum = models.DecimalField(_("最大值"), max_digits=20, decimal_places=6)
    weighted_areas = models.PositiveIntegerField(_("有权重的地区数"), default=0)
    weighted_total = models.DecimalField(_("加权合计"), max_digits=50, decimal_places=12, default=0)
    weight_total = models.DecimalField(_("权重合计"), max_digits=32, decimal_places=6, default=0)

    class Meta:
        verbose_name = _("指标汇总")
        verbose_name_plural = _("指标汇总")
        ordering = ["indicator", "period", "province"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "province"], name="indicators_indicatorrollup_one_per_province"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period} {self.province_id}"


VALUE_FLOW = Flow(
    model=IndicatorValue,
    statuses=ValueStatus,
    moves=VALUE_MOVES,
    action_prefix="indicators.value",
    refusal=_("数值当前为“%(from)s”，不能改为“%(to)s”。"),
)


class RuleKind(models.TextChoices):
    COMPARE = "compare", _("指标间比较")
    YEAR_ON_YEAR = "yoy", _("同比变动幅度")


class Operator(models.TextChoices):
    LTE = "<=", "≤"
    LT = "<", "<"
    GTE = ">=", "≥"
    GT = ">", ">"


class ValidationRule(models.Model):
    """A check across values: one indicator against another, or a year-on-year jump over a percent."""

    name = models.CharField(_("规则名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=10, choices=RuleKind.choices)
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    operator = models.CharField(_("比较"), max_length=2, choices=Operator.choices, blank=True)
    other_indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("比较指标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    max_change_percent = models.DecimalField(
        _("同比变动上限（%）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="compare", other_indicator__isnull=False) & ~models.Q(operator="")
                    | models.Q(kind="yoy", max_change_percent__isnull=False)
                ),
                name="indicators_validationrule_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IssueKind(models.TextChoices):
    RULE = "rule", _("规则校验")
    OUTLIER = "outlier", _("异常值")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    FOLLOWING = "following", _("跟进中")
    RESOLVED = "resolved", _("已解决")
    DISMISSED = "dismissed", _("无需处理")


ISSUE_MOVES: dict[str, frozenset[str]] = {
    IssueStatus.OPEN: frozenset({IssueStatus.FOLLOWING, IssueStatus.RESOLVED, IssueStatus.DISMISSED}),
    IssueStatus.FOLLOWING: frozenset({IssueStatus.RESOLVED, IssueStatus.DISMISSED}),
    IssueStatus.RESOLVED: frozenset({IssueStatus.OPEN}),
    IssueStatus.DISMISSED: frozenset({IssueStatus.OPEN}),
}


class DataQualityIssue(models.Model):
    """A value flagged by a rule or as an outlier, followed up by the province or the nation."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.CASCADE, related_name="quality_issues"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("期间"), max_length=7)
    kind = models.CharField(_("类型"), max_length=10, choices=IssueKind.choices)
    rule = models.ForeignKey(
        ValidationRule, verbose_name=_("规则"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.CharField(_("问题"), max_length=300)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("处理状态"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    follow_up = models.TextField(_("跟进说明"), blank=True)
    found_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("数据质量问题")
        verbose_name_plural = _("数据质量问题")
        ordering = ["status", "-period", "pilot", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "indicator", "period", "rule"],
                condition=models.Q(rule__isnull=False),
                name="indicators_dataqualityissue_unique_rule_finding",
            ),
            models.UniqueConstraint(
                fields=["pilot", "indicator", "period", "kind"],
                condition=models.Q(rule__isnull=True),
                name="indicators_dataqualityissue_unique_other_finding",
            ),
        ]

    def __str__(self) -> str:
        return self.message


ISSUE_FLOW = Flow(
    model=DataQualityIssue,
    statuses=IssueStatus,
    moves=ISSUE_MOVES,
    action_prefix="indicators.quality",
    action=AuditAction.QUALITY_FOLLOWED_UP,
    refusal=_("问题当前为“%(from)s”，不能改为“%(to)s”。"),
    touch=("updated_by", "updated_at"),
)


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", _("全部正确才导入")
    VALID_ONLY = "valid", _("仅导入正确的行")


class ImportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    REJECTED = "rejected", _("未导入")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """An uploaded indicator-value file; large ones are processed in the background with progress."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="province", pilot="pilot")

    file_name = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"))
    mode = models.CharField(_("导入方式"), max_length=5, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING)
    state = models.CharField(_("状态"), max_length=10, choices=ImportState.choices, default=ImportState.QUEUED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    written_rows = models.PositiveIntegerField(_("写入行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("省级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pilot = models.ForeignKey(
        "pilots.PilotArea",
        verbose_name=_("试点地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # A push through the API names its Idempotency-Key: the same key with the same body is answered from
    # this job without writing again; with another body it is refused.
    idempotency_key = models.CharField(_("幂等键"), max_length=100, blank=True)
    body_hash = models.CharField(_("请求摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("指标导入")
        verbose_name_plural = _("指标导入")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="indicators_importjob_one_push_per_key",
            ),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0


# An import job is queued, processed (small files at once, without a running step), then done, rejected (an
# all-or-nothing file with errors) or failed (unreadable); a finished job stays as it ended.
IMPORT_JOB_FLOW = Flow(
    model=ImportJob,
    statuses=ImportState,
    moves={
        ImportState.QUEUED: frozenset(
            {ImportState.RUNNING, ImportState.DONE, ImportState.REJECTED, ImportState.FAILED}
        ),
        ImportState.RUNNING: frozenset({ImportState.DONE, ImportState.REJECTED, ImportState.FAILED}),
        ImportState.DONE: frozenset(),
        ImportState.REJECTED: frozenset(),
        ImportState.FAILED: frozenset(),
    },
    action_prefix="indicators.import",
    status_field="state",
    actions={ImportState.DONE: AuditAction.IMPORT_APPLIED},
    refusal=_("导入任务已结束（%(from)s），不能再改为“%(to)s”。"),
)
