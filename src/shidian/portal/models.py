"""News items (宣传) of the public portal: written by national and provincial officers, published through a flow."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shidian.core.scoping import ScopePath
from shidian.core.transitions import Flow


class NewsStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


# Publish, or take back to draft (a withdrawn item disappears from the portal at once).
NEWS_MOVES: dict[str, frozenset[str]] = {
    NewsStatus.DRAFT: frozenset({NewsStatus.PUBLISHED}),
    NewsStatus.PUBLISHED: frozenset({NewsStatus.DRAFT}),
}


class NewsItem(models.Model):
    """One news item (宣传稿件): the commission's (no province) or one provincial commission's."""

    # National items have no province: only national users reach them; a province's items reach its officers.
    scope_path: ClassVar[ScopePath] = ScopePath(province="province", pilot=None)

    title = models.CharField(_("标题"), max_length=120)
    summary = models.CharField(_("摘要"), max_length=300)
    body = models.TextField(_("正文"), max_length=20000, help_text=_("空行分段。"))
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("发布单位所在省份"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示国家发展改革委发布。"),
    )
    publisher = models.CharField(_("发布单位"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=NewsStatus.choices, default=NewsStatus.DRAFT)
    # The re-encoded picture (core.uploads.reencode_image): no EXIF, bounded size; its type is sniffed when served.
    image = models.BinaryField(_("图片"), null=True, blank=True)
    image_alt = models.CharField(_("图片说明"), max_length=120, blank=True)
    image_width = models.PositiveIntegerField(_("图片宽度"), null=True, blank=True)
    image_height = models.PositiveIntegerField(_("图片高度"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("撰稿人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True, help_text=_("业务日期。"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("宣传稿件")
        verbose_name_plural = _("宣传稿件")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=NewsStatus.values), name="portal_newsitem_status"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_on__isnull=False),
                name="portal_newsitem_published_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_on"], name="portal_news_status_date")]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


NEWS_FLOW = Flow(
    model=NewsItem,
    statuses=NewsStatus,
    moves=NEWS_MOVES,
    action_prefix="portal.news",
    refusal=_("宣传稿件不能从“%(from)s”变为“%(to)s”。"),
    touch=("updated_at",),
)
