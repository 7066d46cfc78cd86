"""Leaders and contact persons (试点工作负责人、工作联系人, 附件3) as dated versions, and the rounds collecting them."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shidian.core import formatting
from shidian.core.scoping import ScopePath
from shidian.core.transitions import Flow

# The contact fields of one version, in the order of the annex-3 layout.
PERSON_FIELDS = (
    "leader_name",
    "leader_post",
    "leader_organisation",
    "contact_name",
    "contact_organisation_post",
    "office_phone",
    "mobile",
    "fax",
    "email",
)
# Fields a complete entry must hold (fax is optional: not every office has one).
REQUIRED_FIELDS = tuple(f for f in PERSON_FIELDS if f != "fax")


class ContactEntryQuerySet(models.QuerySet["ContactEntry"]):
    def on(self, day: dt.date) -> ContactEntryQuerySet:
        """The versions in force on ``day``."""
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )

    def current(self) -> ContactEntryQuerySet:
        return self.filter(valid_until__isnull=True)


class ContactEntry(models.Model):
    """One version of a holder's leader and contact person, in force from ``valid_from`` to ``valid_until``.

    The holder is a pilot, or an organisation (a provincial commission or a ministry). A change is a new
    version: the previous one ends the day before (or is replaced when it began the same day).
    """

    scope_path: ClassVar[ScopePath] = ScopePath(province="province", pilot="pilot")

    pilot = models.ForeignKey(
        "pilots.PilotArea",
        verbose_name=_("试点地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_entries",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_entries",
    )
    # The holder's province (None for a ministry), kept here so that scoping needs no join.
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("省级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_entries",
    )
    leader_name = models.CharField(_("负责人姓名"), max_length=40, blank=True)
    leader_post = models.CharField(_("负责人职务"), max_length=100, blank=True)
    leader_organisation = models.CharField(_("负责人单位"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人姓名"), max_length=40, blank=True)
    contact_organisation_post = models.CharField(_("联系人单位及职务"), max_length=150, blank=True)
    office_phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    mobile = models.CharField(_("手机"), max_length=11, blank=True)
    fax = models.CharField(_("传真"), max_length=30, blank=True)
    email = models.CharField(_("电子邮箱"), max_length=254, blank=True)
    valid_from = models.DateField(_("起始日期"))
    valid_until = models.DateField(_("终止日期"), null=True, blank=True)
    round = models.ForeignKey(
        "ContactRound",
        verbose_name=_("报送轮次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True, on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = ContactEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("负责人与联系人")
        verbose_name_plural = _("负责人与联系人")
        ordering = ["province__code", "pilot__batch__number", "pilot__name", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(pilot__isnull=False) & models.Q(organisation__isnull=True))
                | (models.Q(pilot__isnull=True) & models.Q(organisation__isnull=False)),
                name="contacts_contactentry_one_holder",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="contacts_contactentry_period_ordered",
            ),
            models.UniqueConstraint(
                fields=["pilot"],
                condition=models.Q(valid_until__isnull=True, pilot__isnull=False),
                name="contacts_contactentry_one_current_per_pilot",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(valid_until__isnull=True, organisation__isnull=False),
                name="contacts_contactentry_one_current_per_organisation",
            ),
        ]
        indexes = [models.Index(fields=["province", "valid_until"], name="contacts_entry_province_until")]

    def __str__(self) -> str:
        holder = self.pilot if self.pilot_id else self.organisation
        return f"{holder} · {formatting.local_date(self.valid_from)}"

    @property
    def holder_name(self) -> str:
        return str(self.pilot if self.pilot_id else self.organisation)

    @property
    def is_complete(self) -> bool:
        return all(getattr(self, f) for f in REQUIRED_FIELDS)


class ContactRound(models.Model):
    """A call on the provinces to send their pilots' contacts in one submission (e.g. batch 3, due 2016-12-09)."""

    title = models.CharField(_("名称"), max_length=100)
    batches = models.ManyToManyField("pilots.Batch", verbose_name=_("批次"), related_name="contact_rounds")
    changes_only = models.BooleanField(
        _("仅报送变动"), default=False, help_text=_("已报送过的批次只需报送有变动的负责人和联系人。")
    )
    opened_on = models.DateField(_("开启日期"))
    due_on = models.DateField(_("报送截止日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.PROTECT
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("联系人报送轮次")
        verbose_name_plural = _("联系人报送轮次")
        ordering = ["-due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("opened_on")), name="contacts_contactround_due_after_open"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已报送")


class ContactSubmission(models.Model):
    """One province's answer to a round: its pilots' contacts, submitted once when complete."""

    scope_path: ClassVar[ScopePath] = ScopePath(province="province", pilot=None)

    round = models.ForeignKey(
        ContactRound, verbose_name=_("报送轮次"), on_delete=models.PROTECT, related_name="submissions"
    )
    province = models.ForeignKey(
        "regions.Province", verbose_name=_("省级单位"), on_delete=models.PROTECT, related_name="contact_submissions"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("省级联系人报送")
        verbose_name_plural = _("省级联系人报送")
        ordering = ["round", "province__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "province"], name="contacts_contactsubmission_one_per_province"),
            models.CheckConstraint(
                condition=models.Q(status__in=SubmissionStatus.values), name="contacts_contactsubmission_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status=SubmissionStatus.DRAFT) | models.Q(submitted_on__isnull=False),
                name="contacts_contactsubmission_submitted_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.province}"

    def is_late(self, today: dt.date) -> bool:
        """Submitted after the due date, or still not submitted after it."""
        if self.submitted_on is not None:
            return self.submitted_on > self.round.due_on
        return today > self.round.due_on


SUBMISSION_FLOW = Flow(
    model=ContactSubmission,
    statuses=SubmissionStatus,
    moves={SubmissionStatus.DRAFT: frozenset({SubmissionStatus.SUBMITTED}), SubmissionStatus.SUBMITTED: frozenset()},
    action_prefix="contacts.submission",
    refusal=_("本省联系人已报送（%(from)s），不能再变为“%(to)s”；此后的变动请直接修改，系统按日期保存新版本。"),
)
