"""Typical experiences (典型经验): proposed by a pilot, recommended by its province, selected and published.

The notice: national departments summarise and promote the pilots' typical experiences and distinctive
practices. An experience moves draft → submitted (the pilot) → recommended or returned (its province) →
selected into a named promotion batch or declined (the commission) → published. Other pilots record that they
adopted a published one (what, when, with what result).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shidian.core.scoping import ScopePath
from shidian.core.transitions import Flow

SUMMARY_MAX = 500
BODY_MAX = 20000


class PromotionBatch(models.Model):
    """A named batch in which the commission promotes experiences, e.g. 国家新型城镇化综合试点经验（第一批）."""

    name = models.CharField(_("批次名称"), max_length=100, unique=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.PROTECT
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("典型经验推广批次")
        verbose_name_plural = _("典型经验推广批次")
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return self.name


class ExperienceStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待省级推荐")
    RETURNED = "returned", _("已退回")
    RECOMMENDED = "recommended", _("省级已推荐")
    SELECTED = "selected", _("已入选推广批次")
    DECLINED = "declined", _("未入选")
    PUBLISHED = "published", _("已发布")


EXPERIENCE_MOVES: dict[str, frozenset[str]] = {
    ExperienceStatus.DRAFT: frozenset({ExperienceStatus.SUBMITTED}),
    ExperienceStatus.SUBMITTED: frozenset({ExperienceStatus.RECOMMENDED, ExperienceStatus.RETURNED}),
    ExperienceStatus.RETURNED: frozenset({ExperienceStatus.SUBMITTED}),
    ExperienceStatus.RECOMMENDED: frozenset({ExperienceStatus.SELECTED, ExperienceStatus.DECLINED}),
    ExperienceStatus.SELECTED: frozenset({ExperienceStatus.PUBLISHED}),
    ExperienceStatus.DECLINED: frozenset(),
    ExperienceStatus.PUBLISHED: frozenset(),
}
EDITABLE = frozenset({ExperienceStatus.DRAFT, ExperienceStatus.RETURNED})


class Experience(models.Model):
    """One typical experience of one pilot."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="experiences"
    )
    title = models.CharField(_("标题"), max_length=120)
    focus_area = models.ForeignKey(
        "plans.FocusArea", verbose_name=_("重点领域"), on_delete=models.PROTECT, related_name="experiences"
    )
    summary = models.TextField(_("摘要"), max_length=SUMMARY_MAX, blank=True)
    body = models.TextField(_("正文"), max_length=BODY_MAX, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ExperienceStatus.choices, default=ExperienceStatus.DRAFT
    )
    batch = models.ForeignKey(
        PromotionBatch,
        verbose_name=_("推广批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experiences",
    )
    review_comment = models.TextField(_("审核意见"), max_length=2000, blank=True)
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    recommended_on = models.DateField(_("推荐日期"), null=True, blank=True)
    selected_on = models.DateField(_("入选日期"), null=True, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("典型经验")
        verbose_name_plural = _("典型经验")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ExperienceStatus.values), name="experiences_experience_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=[ExperienceStatus.SELECTED, ExperienceStatus.PUBLISHED])
                | models.Q(batch__isnull=False),
                name="experiences_experience_selected_has_batch",
            ),
        ]
        indexes = [models.Index(fields=["status", "published_on"], name="experiences_status_published")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_published(self) -> bool:
        return self.status == ExperienceStatus.PUBLISHED


EXPERIENCE_FLOW = Flow(
    model=Experience,
    statuses=ExperienceStatus,
    moves=EXPERIENCE_MOVES,
    action_prefix="experiences.experience",
    refusal=_("典型经验状态不能从“%(from)s”变为“%(to)s”。"),
    touch=("updated_at",),
)


class ExperienceResult(models.Model):
    """One result with a number (what, value, unit), e.g. 新增落户人口 1.2 万人."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="experience__pilot__province", pilot="experience__pilot")

    experience = models.ForeignKey(
        Experience, verbose_name=_("典型经验"), on_delete=models.CASCADE, related_name="results"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    what = models.CharField(_("成效"), max_length=100)
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("成效数据")
        verbose_name_plural = _("成效数据")
        ordering = ["experience", "position", "id"]

    def __str__(self) -> str:
        return f"{self.what} {self.value}{self.unit}"


class FileKind(models.TextChoices):
    ATTACHMENT = "attachment", _("附件")
    PHOTO = "photo", _("照片")


class ExperienceFile(models.Model):
    """An attachment (PDF, DOCX, XLSX) or a photo (re-encoded, metadata stripped) of an experience."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="experience__pilot__province", pilot="experience__pilot")

    experience = models.ForeignKey(
        Experience, verbose_name=_("典型经验"), on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=FileKind.choices)
    file_name = models.CharField(_("文件名"), max_length=200)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("校验值"), max_length=64)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    content = models.BinaryField(_("内容"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("典型经验附件")
        verbose_name_plural = _("典型经验附件")
        ordering = ["experience", "kind", "id"]

    def __str__(self) -> str:
        return self.file_name


class Adoption(models.Model):
    """Another pilot adopted (借鉴推广) a published experience: what it took over, when, with what result."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pilot__province", pilot="pilot")

    experience = models.ForeignKey(
        Experience, verbose_name=_("典型经验"), on_delete=models.PROTECT, related_name="adoptions"
    )
    pilot = models.ForeignKey(
        "pilots.PilotArea", verbose_name=_("借鉴地区"), on_delete=models.PROTECT, related_name="adoptions"
    )
    what = models.CharField(_("借鉴内容"), max_length=300)
    adopted_on = models.DateField(_("借鉴日期"))
    result = models.TextField(_("取得成效"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("借鉴推广")
        verbose_name_plural = _("借鉴推广")
        ordering = ["experience", "adopted_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["experience", "pilot"], name="experiences_adoption_once_per_pilot"),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} · {self.experience}"
