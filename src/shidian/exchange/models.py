"""Difficulties raised by pilots and routed to departments (问题反映), and guidance notices (指导与通知)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shidian.core import formatting
from shidian.core.audit_actions import AuditAction
from shidian.core.scoping import ScopePath
from shidian.core.transitions import Flow


class Category(models.TextChoices):
    """What a difficulty is about; the routing table sends each category to its departments."""

    HUKOU = "hukou", _("户籍")
    LAND = "land", _("土地")
    FISCAL = "fiscal", _("财政")
    FINANCE = "finance", _("金融")
    STAFFING = "staffing", _("编制")
    SOCIAL_SECURITY = "social_security", _("社保")
    HOUSING = "housing", _("住房")
    PLANNING = "planning", _("规划")
    OTHER = "other", _("其他")


class RoutingRule(models.Model):
    """One row of the routing table: a category's lead department and its co-handling departments."""

    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, unique=True)
    lead = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="+"
    )
    co_handlers = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("协办部门"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("问题分办规则")
        verbose_name_plural = _("问题分办规则")
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values), name="exchange_routingrule_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_category_display())


class DifficultyStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")
    REOPENED = "reopened", _("重新办理")


class Escalation(models.TextChoices):
    NONE = "none", _("未督办")
    ESCALATED = "escalated", _("已提请国家发展改革委督办")


# Statuses in which the lead department still owes an answer (the reply deadline runs).
AWAITING_ANSWER = (DifficultyStatus.SUBMITTED, DifficultyStatus.ACCEPTED, DifficultyStatus.REOPENED)


class Difficulty(models.Model):
    """A difficulty or request a pilot raises (矛盾困难), answered by the lead department within the deadline."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="province", pilot="pilot")

    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="difficulties"
    )
    # The pilot's province, kept here so that scoping needs no join.
    province = models.ForeignKey(
        "regions.Province", verbose_name=_("省级单位"), on_delete=models.PROTECT, related_name="difficulties"
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("问题描述"), max_length=5000)
    status = models.CharField(
        _("状态"), max_length=12, choices=DifficultyStatus.choices, default=DifficultyStatus.SUBMITTED
    )
    escalation = models.CharField(_("督办"), max_length=12, choices=Escalation.choices, default=Escalation.NONE)
    lead = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="+"
    )
    co_handlers = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("协办部门"), blank=True, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField(_("提出日期"))
    due_on = models.DateField(_("答复期限"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    first_answered_on = models.DateField(_("首次答复日期"), null=True, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    escalated_on = models.DateField(_("督办日期"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    source_report = models.ForeignKey(
        "reporting.PilotReport",
        verbose_name=_("来源报告"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("问题反映")
        verbose_name_plural = _("问题反映")
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DifficultyStatus.values), name="exchange_difficulty_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values), name="exchange_difficulty_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="exchange_difficulty_rating_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=DifficultyStatus.CLOSED)
                | models.Q(rating__isnull=False, closed_on__isnull=False),
                name="exchange_difficulty_closed_rated",
            ),
            models.CheckConstraint(
                condition=models.Q(escalation=Escalation.NONE) | models.Q(escalated_on__isnull=False),
                name="exchange_difficulty_escalation_dated",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("raised_on")), name="exchange_difficulty_due_after_raised"
            ),
        ]
        indexes = [models.Index(fields=["province", "status"], name="exchange_diff_prov_status")]

    def __str__(self) -> str:
        return f"{self.pilot.name}：{self.title}"


class ReplyKind(models.TextChoices):
    ANSWER = "answer", _("答复")
    CO_OPINION = "co_opinion", _("协办意见")
    REOPEN = "reopen", _("重新办理理由")
    CLOSE = "close", _("办结评价")


class Reply(models.Model):
    """One dated entry of a difficulty's exchange: an answer, a co-handler's opinion, a reopening, the closing."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="difficulty__province", pilot="difficulty__pilot")

    difficulty = models.ForeignKey(
        Difficulty, verbose_name=_("问题反映"), on_delete=models.CASCADE, related_name="replies"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=ReplyKind.choices)
    body = models.TextField(_("内容"), max_length=5000, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填写人"), null=True, blank=True, on_delete=models.PROTECT
    )
    written_on = models.DateField(_("日期"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["difficulty", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ReplyKind.values), name="exchange_reply_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {formatting.local_date(self.written_on)}"


class DifficultyFile(models.Model):
    """A file attached to a difficulty (by the raiser, or by the department with its answer)."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="difficulty__province", pilot="difficulty__pilot")

    difficulty = models.ForeignKey(
        Difficulty, verbose_name=_("问题反映"), on_delete=models.CASCADE, related_name="files"
    )
    # The answer the file went with; none for the raiser's files, sent with the item itself.
    reply = models.ForeignKey(
        Reply, verbose_name=_("所属答复"), null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("校验值"), max_length=64)
    content = models.BinaryField(_("内容"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("问题反映附件")
        verbose_name_plural = _("问题反映附件")
        ordering = ["difficulty", "id"]

    def __str__(self) -> str:
        return self.file_name


DIFFICULTY_FLOW = Flow(
    model=Difficulty,
    statuses=DifficultyStatus,
    moves={
        DifficultyStatus.SUBMITTED: frozenset({DifficultyStatus.ACCEPTED}),
        DifficultyStatus.ACCEPTED: frozenset({DifficultyStatus.ANSWERED}),
        DifficultyStatus.ANSWERED: frozenset({DifficultyStatus.CLOSED, DifficultyStatus.REOPENED}),
        DifficultyStatus.REOPENED: frozenset({DifficultyStatus.ANSWERED}),
        DifficultyStatus.CLOSED: frozenset(),
    },
    action_prefix="exchange.difficulty",
    refusal=_("该问题当前为“%(from)s”，不能变为“%(to)s”。"),
    touch=("updated_at",),
)

# Escalation to the commission when the reply deadline has passed: a dated move of its own, once per item.
ESCALATION_FLOW = Flow(
    model=Difficulty,
    statuses=Escalation,
    moves={Escalation.NONE: frozenset({Escalation.ESCALATED}), Escalation.ESCALATED: frozenset()},
    action_prefix="exchange.escalation",
    status_field="escalation",
    action=AuditAction.DIFFICULTY_ESCALATED,
    refusal=_("该问题已提请督办，不能重复督办。"),
    touch=("updated_at",),
)


class Audience(models.TextChoices):
    ALL = "all", _("全部试点")
    BATCH = "batch", _("一个批次")
    PROVINCE = "province", _("一个省份的试点")
    CHOSEN = "chosen", _("选定的试点")


class Notice(models.Model):
    """A guidance notice sent by the commission or a provincial commission to pilots; each recipient's reading
    is recorded (回执)."""

    # Scoped by its sender's province (None for the commission's): provinces see their own notices; what a
    # pilot sees goes through its receipts.
    scope_path: ClassVar[ScopePath] = ScopePath(province="sender_province", pilot=None)

    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"), max_length=20000)
    audience = models.CharField(_("发送范围"), max_length=10, choices=Audience.choices)
    batch = models.ForeignKey(
        "pilots.Batch", verbose_name=_("批次"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience_province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("省份"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发送人"), on_delete=models.PROTECT, related_name="+"
    )
    sender_organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("发送单位"), on_delete=models.PROTECT, related_name="+"
    )
    sender_province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("发送单位所在省份"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_on = models.DateField(_("发送日期"))
    as_document = models.BooleanField(_("以公文形式印发"), default=False)
    document_number = models.CharField(_("发文字号"), max_length=60, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("指导与通知")
        verbose_name_plural = _("指导与通知")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(audience__in=Audience.values), name="exchange_notice_audience_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(audience=Audience.BATCH) | models.Q(batch__isnull=False),
                name="exchange_notice_batch_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(audience=Audience.PROVINCE) | models.Q(audience_province__isnull=False),
                name="exchange_notice_province_named",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """One pilot a notice went to, and when its office first opened it (read receipt)."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    notice = models.ForeignKey(
        Notice, verbose_name=pgettext_lazy("official notice", "通知"), on_delete=models.CASCADE, related_name="receipts"
    )
    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="notice_receipts"
    )
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅读人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("通知回执")
        verbose_name_plural = _("通知回执")
        ordering = ["notice", "pilot__province__code", "pilot__name"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "pilot"], name="exchange_noticereceipt_one_per_pilot"),
            models.CheckConstraint(
                condition=models.Q(read_at__isnull=True) | models.Q(read_by__isnull=False),
                name="exchange_noticereceipt_read_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice} · {self.pilot.name}"


class NoticeFile(models.Model):
    """A file attached to a notice."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="notice__sender_province", pilot=None)

    notice = models.ForeignKey(
        Notice, verbose_name=pgettext_lazy("official notice", "通知"), on_delete=models.CASCADE, related_name="files"
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("校验值"), max_length=64)
    content = models.BinaryField(_("内容"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通知附件")
        verbose_name_plural = _("通知附件")
        ordering = ["notice", "id"]

    def __str__(self) -> str:
        return self.file_name
