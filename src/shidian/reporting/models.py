"""Reporting system (报告制度): rounds, pilot reports, province reports, reviews, copies (reminders: notify.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shidian.core import formatting
from shidian.core.models import WriteOnceError, WriteOnceModel, WriteOnceQuerySet
from shidian.core.periods import Period
from shidian.core.scoping import ScopePath
from shidian.core.transitions import Flow


class ImmutableVersionError(WriteOnceError):
    """Raised when code tries to change or remove a submitted version."""


class RoundKind(models.TextChoices):
    MID_YEAR = "mid_year", _("年中报告")
    YEAR_END = "year_end", _("年度报告")


# Default due dates (month, day, years after the round's year) for pilots and provinces.
DEFAULT_DUES: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    RoundKind.MID_YEAR: ((7, 10, 0), (7, 20, 0)),
    RoundKind.YEAR_END: ((12, 20, 0), (1, 10, 1)),
}


def default_due_dates(year: int, kind: str) -> tuple[dt.date, dt.date]:
    """The default (pilot, province) due dates of a round."""
    (pm, pd, py), (vm, vd, vy) = DEFAULT_DUES[kind]
    return dt.date(year + py, pm, pd), dt.date(year + vy, vm, vd)


class ReportingRound(models.Model):
    """One reporting round: the mid-year (covers H1) or year-end (the whole year) report of a year."""

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=10, choices=RoundKind.choices)
    pilot_due = models.DateField(_("试点报送期限"))
    province_due = models.DateField(_("省级报送期限"))
    opened_at = models.DateTimeField(_("开启时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报告轮次")
        verbose_name_plural = _("报告轮次")
        ordering = ["year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="reporting_reportinground_unique_year_kind"),
            models.CheckConstraint(
                condition=models.Q(kind__in=RoundKind.values), name="reporting_reportinground_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(province_due__gte=models.F("pilot_due")),
                name="reporting_reportinground_province_after_pilot",
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(year)d%(kind)s") % {"year": self.year, "kind": RoundKind(self.kind).label})

    @property
    def period(self) -> Period:
        return Period(self.year, 1 if self.kind == RoundKind.MID_YEAR else None)

    @property
    def period_code(self) -> str:
        return self.period.code

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.year, 0 if self.kind == RoundKind.MID_YEAR else 1)


# The five sections of a pilot report (the notice: 工作进展情况、主要做法、成果经验、矛盾困难、下一步工作建议).
SECTIONS: list[tuple[str, Any, int]] = [
    ("progress", _("工作进展情况"), 1500),
    ("practices", _("主要做法"), 1500),
    ("results", _("成果经验"), 1500),
    ("difficulties", _("矛盾困难"), 1000),
    ("suggestions", _("下一步工作建议"), 1000),
]
SECTION_FIELDS = [name for name, _label, _guide in SECTIONS]
SECTION_MAX = 20000


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已接收")


REPORT_MOVES: dict[str, frozenset[str]] = {
    ReportStatus.DRAFT: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.SUBMITTED: frozenset({ReportStatus.RETURNED, ReportStatus.ACCEPTED}),
    ReportStatus.RETURNED: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.ACCEPTED: frozenset(),
}


class SectionsMixin(models.Model):
    # The safe HTML subset of richtext.py. max_length is not a database limit for text; services check length.
    progress = models.TextField(_("工作进展情况"), blank=True, max_length=SECTION_MAX)
    practices = models.TextField(_("主要做法"), blank=True, max_length=SECTION_MAX)
    results = models.TextField(_("成果经验"), blank=True, max_length=SECTION_MAX)
    difficulties = models.TextField(_("矛盾困难"), blank=True, max_length=SECTION_MAX)
    suggestions = models.TextField(_("下一步工作建议"), blank=True, max_length=SECTION_MAX)

    class Meta:
        abstract = True

    def sections(self) -> list[tuple[str, str, str]]:
        """(field, heading, text) for the five sections, in order."""
        return [(name, str(label), getattr(self, name)) for name, label, _guide in SECTIONS]


class PilotReport(SectionsMixin):
    """A pilot's report for one round: the working draft plus its status; submissions are versions."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="reports"
    )
    round = models.ForeignKey(
        ReportingRound, verbose_name=_("报告轮次"), on_delete=models.PROTECT, related_name="pilot_reports"
    )
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    revision = models.PositiveIntegerField(_("修订号"), default=0, help_text=_("每次保存加一，用于发现同时编辑。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后编辑人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("试点报告")
        verbose_name_plural = _("试点报告")
        ordering = ["round__year", "round__kind", "pilot__province__code", "pilot__name"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "round"], name="reporting_pilotreport_unique_pilot_round"),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="reporting_pilotreport_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} {self.round}"

    @property
    def is_editable(self) -> bool:
        return self.status in {ReportStatus.DRAFT, ReportStatus.RETURNED}


PILOT_REPORT_FLOW = Flow(
    model=PilotReport,
    statuses=ReportStatus,
    moves=REPORT_MOVES,
    action_prefix="reporting.report",
    refusal=_("报告状态不能从“%(from)s”变为“%(to)s”。"),
    touch=("updated_at",),
)


class RoundCompleteness(models.Model):
    """One round's pilots of one province and batch: how many report, and how many of them did, kept up to date.

    Maintained by ``reporting.aggregates`` inside the transaction of every service that changes the counts
    (a first submission, a pilot admitted or changing status, a round opened or its due dates moved), so the
    completeness pages read a row per province and batch instead of every pilot's history and reports;
    ``manage.py rebuild_round_completeness`` recomputes it from scratch. What depends on the day (waiting or
    missing, whether a round is counted yet) is derived from these counts and the round's dates when read.
    """

    scope_path: ClassVar[ScopePath] = ScopePath(province="province", pilot=None)

    round = models.ForeignKey(ReportingRound, verbose_name=_("报告轮次"), on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey(
        "regions.Province", verbose_name=_("省级单位"), on_delete=models.CASCADE, related_name="+"
    )
    batch = models.ForeignKey("pilots.Batch", verbose_name=_("批次"), on_delete=models.CASCADE, related_name="+")
    pilots = models.PositiveIntegerField(_("试点数"))
    expected = models.PositiveIntegerField(_("应报送"), help_text=_("试点报送期限当日仍在试点中的地区数。"))
    submitted = models.PositiveIntegerField(_("已报送"))
    late = models.PositiveIntegerField(_("逾期报送"), help_text=_("首次报送晚于期限的地区数。"))
    expected_at_province_due = models.PositiveIntegerField(
        _("省级期限当日在试点中"), help_text=_("省级报送期限当日仍在试点中的地区数：大于零时该省应报送省级报告。")
    )

    class Meta:
        verbose_name = _("报送情况汇总")
        verbose_name_plural = _("报送情况汇总")
        ordering = ["round", "province", "batch"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "province", "batch"], name="reporting_roundcompleteness_one_per_group"
            ),
            models.CheckConstraint(
                condition=models.Q(submitted__lte=models.F("expected"), late__lte=models.F("submitted")),
                name="reporting_roundcompleteness_counts_nested",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.province_id} {self.batch_id}"


class TagKind(models.TextChoices):
    DIFFICULTY = "difficulty", _("困难")
    SUGGESTION = "suggestion", _("建议")


class DifficultyTag(models.Model):
    """One difficulty or suggestion of a draft report, tagged with the ministries concerned."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="report__pilot__province", pilot="report__pilot")

    report = models.ForeignKey(PilotReport, verbose_name=_("试点报告"), on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(_("类别"), max_length=10, choices=TagKind.choices, default=TagKind.DIFFICULTY)
    text = models.TextField(_("内容"), max_length=2000)
    ministries = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("涉及部门"),
        related_name="+",
        limit_choices_to={"kind": "ministry"},
    )

    class Meta:
        verbose_name = _("困难与建议标注")
        verbose_name_plural = _("困难与建议标注")
        ordering = ["report", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=TagKind.values), name="reporting_difficultytag_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Attachment(models.Model):
    """A file attached to a pilot report draft; kept (never changed) once a version refers to it."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="report__pilot__province", pilot="report__pilot")

    report = models.ForeignKey(
        PilotReport, verbose_name=_("试点报告"), on_delete=models.PROTECT, related_name="attachments"
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("校验值"), max_length=64)
    content = models.BinaryField(_("内容"))
    is_current = models.BooleanField(_("在草稿中"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.file_name


class ImmutableQuerySet[M: models.Model](WriteOnceQuerySet[M]):
    """Submitted versions in bulk: refused like any write-once rows."""


class ImmutableModel(WriteOnceModel):
    """A submitted version: written once (the core write-once guard)."""

    write_once_error = ImmutableVersionError
    write_once_message = "submitted versions are immutable"

    objects = ImmutableQuerySet.as_manager()

    class Meta(WriteOnceModel.Meta):
        abstract = True


class PilotReportVersion(SectionsMixin, ImmutableModel):
    """One submission of a pilot report, as it was: text, tagged difficulties, facts, attachments."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="report__pilot__province", pilot="report__pilot")

    report = models.ForeignKey(
        PilotReport, verbose_name=_("试点报告"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    submitted_at = models.DateTimeField(_("报送时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    is_late = models.BooleanField(_("逾期报送"))
    tags = models.JSONField(_("困难与建议标注"), default=list, blank=True)
    facts = models.JSONField(_("自动附带数据"), default=dict, blank=True)
    attachments = models.ManyToManyField(Attachment, verbose_name=_("附件"), related_name="versions", blank=True)

    class Meta(ImmutableModel.Meta):
        verbose_name = _("试点报告版本")
        verbose_name_plural = _("试点报告版本")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="reporting_pilotreportversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class CommentKind(models.TextChoices):
    RETURN = "return", _("退回意见")
    ACCEPT = "accept", _("接收意见")
    ACKNOWLEDGE = "acknowledge", _("确认意见")


class ReviewComment(models.Model):
    """A reviewer's comment on a submitted version (province on a pilot report, nation on a province report)."""

    pilot_report_version = models.ForeignKey(
        PilotReportVersion,
        verbose_name=_("试点报告版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    province_report_version = models.ForeignKey(
        "ProvinceReportVersion",
        verbose_name=_("省级报告版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    kind = models.CharField(_("类别"), max_length=12, choices=CommentKind.choices)
    body = models.TextField(_("意见"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审阅人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审阅意见")
        verbose_name_plural = _("审阅意见")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pilot_report_version__isnull=True) ^ models.Q(province_report_version__isnull=True),
                name="reporting_reviewcomment_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:40]


class ProvinceStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    ACKNOWLEDGED = "acknowledged", _("已确认")


PROVINCE_MOVES: dict[str, frozenset[str]] = {
    ProvinceStatus.DRAFT: frozenset({ProvinceStatus.SUBMITTED}),
    ProvinceStatus.SUBMITTED: frozenset({ProvinceStatus.RETURNED, ProvinceStatus.ACKNOWLEDGED}),
    ProvinceStatus.RETURNED: frozenset({ProvinceStatus.SUBMITTED}),
    ProvinceStatus.ACKNOWLEDGED: frozenset(),
}


class ProvinceContentMixin(models.Model):
    overview = models.TextField(_("总体情况"), blank=True, max_length=SECTION_MAX)
    pilot_sections = models.JSONField(_("各试点情况"), default=list, blank=True)
    statistics = models.JSONField(_("全省统计"), default=dict, blank=True)
    difficulties = models.TextField(_("矛盾困难"), blank=True, max_length=SECTION_MAX)
    suggestions = models.TextField(_("下一步工作建议"), blank=True, max_length=SECTION_MAX)

    class Meta:
        abstract = True


class ProvinceReport(ProvinceContentMixin):
    """A province's report to the national commission for one round, assembled from its pilots' reports."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="province", pilot=None)

    province = models.ForeignKey(
        "regions.Province", verbose_name=_("省级单位"), on_delete=models.PROTECT, related_name="reports"
    )
    round = models.ForeignKey(
        ReportingRound, verbose_name=_("报告轮次"), on_delete=models.PROTECT, related_name="province_reports"
    )
    status = models.CharField(_("状态"), max_length=12, choices=ProvinceStatus.choices, default=ProvinceStatus.DRAFT)
    revision = models.PositiveIntegerField(_("修订号"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后编辑人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("省级报告")
        verbose_name_plural = _("省级报告")
        ordering = ["round__year", "round__kind", "province__code"]
        constraints = [
            models.UniqueConstraint(fields=["province", "round"], name="reporting_provincereport_unique_round"),
            models.CheckConstraint(
                condition=models.Q(status__in=ProvinceStatus.values), name="reporting_provincereport_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.round}"

    @property
    def is_editable(self) -> bool:
        return self.status in {ProvinceStatus.DRAFT, ProvinceStatus.RETURNED}


PROVINCE_REPORT_FLOW = Flow(
    model=ProvinceReport,
    statuses=ProvinceStatus,
    moves=PROVINCE_MOVES,
    action_prefix="reporting.province_report",
    refusal=_("报告状态不能从“%(from)s”变为“%(to)s”。"),
    touch=("updated_at",),
)


class ProvinceReportVersion(ProvinceContentMixin, ImmutableModel):
    """One submission of a province report to the national commission, as it was."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="report__province", pilot=None)

    report = models.ForeignKey(
        ProvinceReport, verbose_name=_("省级报告"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    submitted_at = models.DateTimeField(_("报送时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    is_late = models.BooleanField(_("逾期报送"))
    tags = models.JSONField(_("困难与建议标注"), default=list, blank=True)
    facts = models.JSONField(_("全省指标情况"), default=dict, blank=True)

    class Meta(ImmutableModel.Meta):
        verbose_name = _("省级报告版本")
        verbose_name_plural = _("省级报告版本")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="reporting_provincereportversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class ReportCopy(models.Model):
    """抄送: a submitted province report version copied to one ministry."""

    version = models.ForeignKey(
        ProvinceReportVersion, verbose_name=_("省级报告版本"), on_delete=models.PROTECT, related_name="copies"
    )
    ministry = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("抄送部门"), on_delete=models.PROTECT, related_name="report_copies"
    )
    created_at = models.DateTimeField(_("抄送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抄送")
        verbose_name_plural = _("抄送")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "ministry"], name="reporting_reportcopy_unique_ministry"),
        ]

    def __str__(self) -> str:
        return f"{self.version} → {self.ministry}"


class ReadReceipt(models.Model):
    """Who in the ministry first opened a copy, and when (visible to the sending province)."""

    copy = models.ForeignKey(ReportCopy, verbose_name=_("抄送"), on_delete=models.PROTECT, related_name="receipts")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("阅读人"), on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("阅读时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阅读回执")
        verbose_name_plural = _("阅读回执")
        ordering = ["read_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["copy", "reader"], name="reporting_readreceipt_unique_reader"),
        ]

    def __str__(self) -> str:
        return f"{self.reader} {formatting.datetime(self.read_at)}"  # Beijing time, as every page shows it
