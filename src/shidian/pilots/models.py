"""The programme, its batches and the pilot areas with their lifecycle."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shidian.core.errors import DomainError
from shidian.core.scoping import ScopePath
from shidian.core.transitions import Flow


class Programme(models.Model):
    """国家新型城镇化综合试点: one programme, grounded in the national plan and the 2014 implementation plan."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    basis = models.TextField(_("依据"), blank=True)

    class Meta:
        verbose_name = _("试点工作")
        verbose_name_plural = _("试点工作")

    def __str__(self) -> str:
        return self.name


BATCH_NAMES = {1: _("第一批"), 2: _("第二批"), 3: _("第三批")}


class Batch(models.Model):
    """A batch of pilots admitted by one notice (第一批、第二批、第三批)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("试点工作"), on_delete=models.PROTECT, related_name="batches"
    )
    number = models.PositiveSmallIntegerField(_("批次"), unique=True)
    notice_number = models.CharField(_("文号"), max_length=60, blank=True)
    notice_number_verified = models.BooleanField(_("文号已核实"), default=False)
    notice_date = models.DateField(_("印发日期"), null=True, blank=True)
    published = models.CharField(_("公布时间"), max_length=20, blank=True)
    declared_areas = models.PositiveSmallIntegerField(_("公布试点数"))
    declared_note = models.CharField(_("公布数说明"), max_length=200, blank=True)
    start_by = models.DateField(_("启动期限"), null=True, blank=True)
    stage_results_by = models.DateField(_("阶段性成果期限"), null=True, blank=True)
    rollout_by = models.DateField(_("全面推广期限"), null=True, blank=True)
    contacts_due = models.DateField(_("联系人报送期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=3), name="pilots_batch_number_1_to_3"),
        ]

    def __str__(self) -> str:
        return str(BATCH_NAMES.get(self.number, self.number))

    @property
    def stage_year(self) -> int:
        """The year stage results are due (阶段性成果): from the batch's notice, not a literal."""
        return (self.stage_results_by or self.programme_end).year

    @property
    def programme_end(self) -> dt.date:
        """The last day of the programme for this batch: its roll-out deadline (全面推广), else the latest one."""
        if self.rollout_by is not None:
            return self.rollout_by
        last: dt.date | None = self.programme.batches.aggregate(last=models.Max("rollout_by"))["last"]
        if last is None:
            raise DomainError(str(_("名录中没有登记试点工作的全面推广期限，请系统管理员补充批次信息。")))
        return last

    @property
    def programme_end_year(self) -> int:
        return self.programme_end.year


class AreaKind(models.TextChoices):
    PROVINCE = "省", _("省")
    PLAN_CITY = "计划单列市", _("计划单列市")
    CAPITAL = "省会城市", _("省会城市")
    PREFECTURE_CITY = "地级市", _("地级市")
    COUNTY_CITY = "县级市", _("县级市")
    DISTRICT = "区", _("区")
    COUNTY = "县", _("县")
    TOWN = "建制镇", _("建制镇")


class Verification(models.TextChoices):
    """How sure the registry is that a row is a pilot of its batch (shared/data/README.md)."""

    OFFICIAL = "official", _("官方名单")
    SOURCED = "sourced", _("有公开来源")
    INFERRED = "inferred", _("间接推断")
    RESEARCH_DATA = "research-data", _("仅研究数据")
    WEAK = "weak", _("来源薄弱")
    UNRESOLVED = "unresolved", _("来源冲突")


VERIFIED_LEVELS = frozenset({Verification.OFFICIAL, Verification.SOURCED})


class PilotStatus(models.TextChoices):
    ACTIVE = "active", _("试点中")
    WARNED = "warned", _("已警示")
    ELIMINATED = "eliminated", _("已退出")
    COMPLETED = "completed", _("已完成")


# Allowed lifecycle moves (dynamic elimination mechanism of the notice).
STATUS_MOVES: dict[str, frozenset[str]] = {
    PilotStatus.ACTIVE: frozenset({PilotStatus.WARNED, PilotStatus.ELIMINATED, PilotStatus.COMPLETED}),
    PilotStatus.WARNED: frozenset({PilotStatus.ACTIVE, PilotStatus.ELIMINATED}),
    PilotStatus.ELIMINATED: frozenset(),
    PilotStatus.COMPLETED: frozenset(),
}


class DivisionMatch(models.TextChoices):
    RESOLVED = "resolved", _("按名称匹配")
    CODE = "code", _("按代码指定")
    NONE = "none", _("未关联")


class PilotAreaQuerySet(models.QuerySet["PilotArea"]):
    def with_facts(self) -> PilotAreaQuerySet:
        return self.select_related("batch", "province", "division", "division__parent", "listed_division")


class PilotArea(models.Model):
    """A pilot city, county, district, town or province, under the name it was listed with."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="province", pilot="pk")

    batch = models.ForeignKey(Batch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="pilots")
    province = models.ForeignKey(
        "regions.Province", verbose_name=_("省级单位"), on_delete=models.PROTECT, related_name="pilots"
    )
    name = models.CharField(_("列入时名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=AreaKind.choices)
    division = models.ForeignKey(
        "regions.Division",
        verbose_name=_("现行政区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pilots",
        help_text=_("建制镇关联其所在县级区划。"),
    )
    listed_division = models.ForeignKey(
        "regions.Division",
        verbose_name=_("列入时区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="listed_pilots",
    )
    division_match = models.CharField(
        _("区划关联方式"), max_length=10, choices=DivisionMatch.choices, default=DivisionMatch.NONE
    )
    verification = models.CharField(_("核实程度"), max_length=20, choices=Verification.choices)
    source_note = models.TextField(_("来源说明"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=PilotStatus.choices, default=PilotStatus.ACTIVE)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PilotAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("试点地区")
        verbose_name_plural = _("试点地区")
        ordering = ["batch__number", "province__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "province", "name"], name="pilots_pilotarea_unique_listing"),
            models.CheckConstraint(
                condition=models.Q(status__in=PilotStatus.values), name="pilots_pilotarea_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=AreaKind.values), name="pilots_pilotarea_kind_valid"),
        ]
        indexes = [models.Index(fields=["province", "status"], name="pilots_area_province_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> str:
        return self.province.get_region_display()

    @property
    def source_note_chinese(self) -> str:
        """The research note as pages show it (the stored note stays as imported)."""
        from shidian.pilots.source_notes import in_chinese

        return in_chinese(self.source_note)

    @property
    def is_verified(self) -> bool:
        return self.verification in VERIFIED_LEVELS

    @property
    def was_renamed(self) -> bool:
        return (
            self.listed_division_id is not None
            and self.division_id is not None
            and self.listed_division_id != self.division_id
        )


PILOT_FLOW = Flow(
    model=PilotArea,
    statuses=PilotStatus,
    moves=STATUS_MOVES,
    action_prefix="pilots.pilot",
    refusal=_("试点状态不能从“%(from)s”变为“%(to)s”。"),
    touch=("updated_at",),
)


class PilotStatusChange(models.Model):
    """One dated move in a pilot's lifecycle; the first row is its admission."""

    pilot = models.ForeignKey(
        PilotArea, verbose_name=_("试点地区"), on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(_("原状态"), max_length=12, choices=PilotStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=PilotStatus.choices)
    effective_on = models.DateField(_("生效日期"))
    reason = models.TextField(_("理由"), blank=True)
    document_number = models.CharField(_("依据文号"), max_length=60, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["pilot", "effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.pilot} {self.from_status}→{self.to_status} {self.effective_on}"


class RegistryImport(models.Model):
    """An uploaded registry file, kept from preview to confirmation so what is applied is what was previewed."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", _("待确认")
        APPLIED = "applied", _("已导入")

    file_name = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PREVIEWED)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    summary = models.JSONField(_("导入结果"), default=dict, blank=True)
    fingerprint = models.CharField(_("预览指纹"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("名录导入")
        verbose_name_plural = _("名录导入")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.file_name


# A previewed registry file is applied once; what was applied stays applied.
REGISTRY_IMPORT_FLOW = Flow(
    model=RegistryImport,
    statuses=RegistryImport.State,
    moves={
        RegistryImport.State.PREVIEWED: frozenset({RegistryImport.State.APPLIED}),
        RegistryImport.State.APPLIED: frozenset(),
    },
    action_prefix="pilots.registry_import",
    status_field="state",
    refusal=_("该导入已处理或不属于您。"),
)
