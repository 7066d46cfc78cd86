"""What the experiences' audit events mean to whom (registered with the notification centre's registry)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core.audit_actions import AuditAction
from shidian.core.roles import Role
from shidian.experiences.models import Experience, ExperienceStatus
from shidian.notifications.registry import Kind, Notice, on_event, settles

if TYPE_CHECKING:
    from shidian.core.models import AuditEvent


def _experience(event: AuditEvent) -> Experience | None:
    return Experience.objects.select_related("pilot").filter(pk=event.object_id).first()


def _url(experience: Experience) -> str:
    return reverse("experiences:detail", kwargs={"experience_id": experience.pk})


def pilot_officers(experience: Experience) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.PILOT_OFFICER, organisation__pilot_id=experience.pilot_id)


def province_officers(experience: Experience) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, role=Role.PROVINCIAL_OFFICER, organisation__province_id=experience.pilot.province_id
    )


def commission_officers() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=[Role.NATIONAL_ADMIN, Role.NATIONAL_OFFICER])


@on_event(AuditAction.EXPERIENCE_SUBMITTED)
def _submitted(event: AuditEvent) -> Iterable[Notice]:
    if (experience := _experience(event)) is not None:
        title = _("待推荐的典型经验：%(pilot)s《%(title)s》") % {"pilot": experience.pilot.name, "title": experience}
        yield Notice(kind=Kind.REVIEW, recipients=province_officers(experience), title=title, url=_url(experience))


@on_event(AuditAction.EXPERIENCE_RECOMMENDED)
def _recommended(event: AuditEvent) -> Iterable[Notice]:
    if (experience := _experience(event)) is not None:
        title = _("省级推荐的典型经验待遴选：%(pilot)s《%(title)s》") % {
            "pilot": experience.pilot.name,
            "title": experience,
        }
        yield Notice(kind=Kind.REVIEW, recipients=commission_officers(), title=title, url=_url(experience))


@on_event(AuditAction.EXPERIENCE_RETURNED)
def _returned(event: AuditEvent) -> Iterable[Notice]:
    if (experience := _experience(event)) is not None:
        title = _("典型经验《%(title)s》被退回修改") % {"title": experience}
        yield Notice(
            kind=Kind.RETURNED,
            recipients=pilot_officers(experience),
            title=title,
            url=_url(experience),
            body=experience.review_comment,
        )


# The status each decision moved the experience to. The title names the event's status, not the row's: the row
# may have moved on before the centre derives (a selection derived after the publication would read 已发布 too,
# and the pilot would be told twice that it was published).
DECIDED = {
    AuditAction.EXPERIENCE_SELECTED: ExperienceStatus.SELECTED,
    AuditAction.EXPERIENCE_DECLINED: ExperienceStatus.DECLINED,
    AuditAction.EXPERIENCE_PUBLISHED: ExperienceStatus.PUBLISHED,
}


@on_event(AuditAction.EXPERIENCE_SELECTED)
@on_event(AuditAction.EXPERIENCE_DECLINED)
@on_event(AuditAction.EXPERIENCE_PUBLISHED)
def _decided(event: AuditEvent) -> Iterable[Notice]:
    if (experience := _experience(event)) is not None:
        title = _("典型经验《%(title)s》：%(status)s") % {
            "title": experience,
            "status": DECIDED[AuditAction(event.action)].label,
        }
        yield Notice(kind=Kind.DECISION, recipients=pilot_officers(experience), title=title, url=_url(experience))


# Once the province has recommended or returned the experience, its 待推荐 item is done for every provincial
# officer; once the commission has selected or declined it, its 待遴选 item likewise.
for _handled in (AuditAction.EXPERIENCE_RECOMMENDED, AuditAction.EXPERIENCE_RETURNED):
    settles(_handled, asked_by=[AuditAction.EXPERIENCE_SUBMITTED])
for _handled in (AuditAction.EXPERIENCE_SELECTED, AuditAction.EXPERIENCE_DECLINED):
    settles(_handled, asked_by=[AuditAction.EXPERIENCE_RECOMMENDED])
