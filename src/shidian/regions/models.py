"""Administrative divisions (GB/T 2260) with their history, and the four-region classes."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shidian.core.scoping import ScopePath


class RegionClass(models.TextChoices):
    """The four regions of national statistics (东部、中部、西部、东北)."""

    EAST = "east", _("东部")
    CENTRAL = "central", _("中部")
    WEST = "west", _("西部")
    NORTHEAST = "northeast", _("东北")


class Province(models.Model):
    """A province-level unit, or the Xinjiang Production and Construction Corps (兵团)."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="pk", pilot=None)

    code = models.CharField(_("区划代码"), max_length=2, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    short_name = models.CharField(_("简称"), max_length=10)
    region = models.CharField(_("四大区域"), max_length=10, choices=RegionClass.choices)
    grid_row = models.PositiveSmallIntegerField(_("网格行"))
    grid_col = models.PositiveSmallIntegerField(_("网格列"))
    is_division = models.BooleanField(
        _("是否行政区划"), default=True, help_text=_("兵团不是行政区划，代码 66 为平台约定。")
    )

    class Meta:
        verbose_name = _("省级单位")
        verbose_name_plural = _("省级单位")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["grid_row", "grid_col"], name="regions_province_grid_cell_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class DivisionLevel(models.TextChoices):
    PREFECTURE = "prefecture", _("地级")
    COUNTY = "county", _("县级")
    TOWN = "town", _("乡级")


class DivisionQuerySet(models.QuerySet["Division"]):
    def current(self) -> DivisionQuerySet:
        return self.filter(valid_until__isnull=True)


class Division(models.Model):
    """A prefecture-, county- or town-level division; a renamed one keeps its old row with an end date."""

    code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    name = models.CharField(_("名称"), max_length=60, db_index=True)
    kind = models.CharField(_("类型"), max_length=20, help_text=_("如 地级市、市辖区、县、县级市、自治县、旗"))
    level = models.CharField(_("层级"), max_length=12, choices=DivisionLevel.choices)
    province = models.ForeignKey(
        Province, verbose_name=_("省级单位"), on_delete=models.PROTECT, related_name="divisions"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_until = models.DateField(_("停用日期"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("变更后区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    change_note = models.CharField(_("变更说明"), max_length=300, blank=True)

    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(valid_until__isnull=True),
                name="regions_division_current_code_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="regions_division_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_current(self) -> bool:
        return self.valid_until is None

    def current_successor(self) -> Division:
        """Follow renames to the division in force today."""
        division = self
        seen = {division.pk}
        while division.successor_id is not None and division.successor_id not in seen:
            seen.add(division.successor_id)
            successor = division.successor
            if successor is None:
                break
            division = successor
        return division


class MapBoundary(models.Model):
    """An approved province boundary file (GeoJSON) with its map review number (审图号)."""

    review_number = models.CharField(_("审图号"), max_length=60)
    geojson = models.FileField(_("边界文件（GeoJSON）"), upload_to="maps/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("审定地图边界")
        verbose_name_plural = _("审定地图边界")
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="regions_mapboundary_one_active"
            ),
        ]

    def __str__(self) -> str:
        return self.review_number
