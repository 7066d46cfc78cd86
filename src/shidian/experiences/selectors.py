"""Reads of experiences, always for a user — and the public surface the portal uses (published only).

Public surface (no user; only what is published ever comes out): ``published``, ``published_for_pilot``,
``get_published``, ``published_file``, ``public_photos``, ``published_themes``, ``promotion_batches``,
``get_promotion_batch``, ``adoptions_of``, ``published_for_open_data``. Search goes through
``core.search`` (published experiences are indexed with ``published=True``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from shidian.core import scoping
from shidian.core.errors import NotFound
from shidian.core.roles import Capability, Reach
from shidian.experiences.models import (
    Adoption,
    Experience,
    ExperienceFile,
    ExperienceStatus,
    FileKind,
    PromotionBatch,
)
from shidian.pilots.models import PilotArea
from shidian.plans.models import FocusArea

if TYPE_CHECKING:
    from shidian.core.actors import Actor


# What the commission sees of an experience: from the province's recommendation on.
_NATIONAL_STATUSES = (
    ExperienceStatus.RECOMMENDED,
    ExperienceStatus.SELECTED,
    ExperienceStatus.DECLINED,
    ExperienceStatus.PUBLISHED,
)


def _base() -> QuerySet[Experience]:
    return Experience.objects.select_related("pilot__province", "focus_area", "batch")


def visible_experiences(*, user: Actor) -> QuerySet[Experience]:
    """Published experiences for every business role, plus the unpublished ones the user works on.

    The pilot's office sees its own drafts; its province sees them once submitted; the commission once the
    province recommended them. Ministries, departments and experts see what is published.
    """
    if not scoping.can(user, Capability.VIEW_EXPERIENCES):
        return Experience.objects.none()
    published = Q(status=ExperienceStatus.PUBLISHED)
    own = scoping.restrict(Experience.objects.all(), user)
    reach = scoping.scope_for(user).reach
    if scoping.can(user, Capability.PROPOSE_EXPERIENCES) and reach is Reach.PILOT:
        internal = own
    elif scoping.can(user, Capability.RECOMMEND_EXPERIENCES) and reach is Reach.PROVINCE:
        internal = own.exclude(status=ExperienceStatus.DRAFT)
    elif scoping.can(user, Capability.SELECT_EXPERIENCES):
        internal = own.filter(status__in=_NATIONAL_STATUSES)
    else:
        internal = Experience.objects.none()
    return _base().filter(published | Q(pk__in=internal.values("pk")))


def get_experience_for(*, user: Actor, experience_id: int) -> Experience:
    """One experience the user may see; a hidden one and a missing one are the same NotFound."""
    try:
        return visible_experiences(user=user).get(pk=experience_id)
    except (Experience.DoesNotExist, ValueError, TypeError) as exc:
        hidden = Experience.objects.filter(pk=experience_id).first() if isinstance(experience_id, int) else None
        if hidden is not None and getattr(user, "is_authenticated", False):
            from shidian.core import audit

            audit.record_denied(actor=user, obj=hidden, detail={"reason": "out_of_scope"})
        raise NotFound from exc


def get_file_for(*, user: Actor, file_id: int) -> ExperienceFile:
    """A file of an experience the user may see."""
    try:
        return ExperienceFile.objects.select_related("experience").get(
            pk=file_id, experience__in=visible_experiences(user=user)
        )
    except (ExperienceFile.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound from exc


@dataclass(frozen=True)
class Filters:
    status: str = ""
    focus_area_id: int | None = None
    batch_id: int | None = None
    province_id: int | None = None


def filter_experiences(queryset: QuerySet[Experience], filters: Filters) -> QuerySet[Experience]:
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.focus_area_id:
        queryset = queryset.filter(focus_area_id=filters.focus_area_id)
    if filters.batch_id:
        queryset = queryset.filter(batch_id=filters.batch_id)
    if filters.province_id:
        queryset = queryset.filter(pilot__province_id=filters.province_id)
    return queryset


def awaiting_recommendation(*, user: Actor) -> list[Experience]:
    """Submitted experiences of the province's pilots, oldest first (the provincial officer's work)."""
    if not (scoping.can(user, Capability.RECOMMEND_EXPERIENCES) and scoping.scope_for(user).reach is Reach.PROVINCE):
        return []
    rows = scoping.restrict(_base().filter(status=ExperienceStatus.SUBMITTED), user)
    return list(rows.order_by("submitted_on", "id"))


def awaiting_selection(*, user: Actor) -> list[Experience]:
    """Recommended experiences waiting for the commission's selection, oldest first."""
    if not scoping.can(user, Capability.SELECT_EXPERIENCES):
        return []
    rows = scoping.restrict(_base().filter(status=ExperienceStatus.RECOMMENDED), user)
    return list(rows.order_by("recommended_on", "id"))


def awaiting_publication(*, user: Actor) -> list[Experience]:
    """Selected experiences not yet published."""
    if not scoping.can(user, Capability.SELECT_EXPERIENCES):
        return []
    rows = scoping.restrict(_base().filter(status=ExperienceStatus.SELECTED), user)
    return list(rows.order_by("selected_on", "id"))


def returned_to_pilot(*, user: Actor) -> list[Experience]:
    """The pilot's experiences its province returned, to be revised."""
    if not (scoping.can(user, Capability.PROPOSE_EXPERIENCES) and scoping.scope_for(user).reach is Reach.PILOT):
        return []
    return list(scoping.restrict(_base().filter(status=ExperienceStatus.RETURNED), user).order_by("id"))


def all_batches() -> list[PromotionBatch]:
    """Every promotion batch (the commission's choice when it selects)."""
    return list(PromotionBatch.objects.annotate(size=Count("experiences")).order_by("issued_on", "id"))


def spread_of(experience: Experience) -> list[Adoption]:
    """Where an experience spread: its adoptions with the adopting pilots and their provinces."""
    return list(experience.adoptions.select_related("pilot__province").order_by("adopted_on", "id"))


# -- the public surface (the portal) ---------------------------------------------------------------


def _published() -> QuerySet[Experience]:
    return _base().filter(status=ExperienceStatus.PUBLISHED)


def published(theme: str | None = None) -> QuerySet[Experience]:
    """Published experiences, newest first; ``theme`` is a focus area's code (e.g. ``migrant_integration``)."""
    rows = _published()
    if theme:
        rows = rows.filter(focus_area__code=theme)
    return rows.order_by("-published_on", "-id")


def published_for_pilot(pilot: PilotArea) -> QuerySet[Experience]:
    """The published experiences of one pilot."""
    return published().filter(pilot=pilot)


def get_published(experience_id: int) -> Experience:
    """One published experience; anything else is NotFound."""
    try:
        return _published().get(pk=experience_id)
    except (Experience.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound from exc


def published_file(file_id: int, *, kind: str | None = None) -> ExperienceFile:
    """A photo or attachment (``kind``: only that one) of a published experience; anything else is NotFound."""
    rows = ExperienceFile.objects.filter(pk=file_id, experience__status=ExperienceStatus.PUBLISHED)
    if kind is not None:
        rows = rows.filter(kind=kind)
    try:
        return rows.get()
    except (ExperienceFile.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound from exc


def public_photos(experience: Experience) -> list[ExperienceFile]:
    """The photos of a published experience, without their bytes (nothing for an unpublished one)."""
    if not experience.is_published:
        return []
    return list(experience.files.filter(kind=FileKind.PHOTO).defer("content").order_by("id"))


def published_themes() -> list[tuple[FocusArea, int]]:
    """The focus areas (themes) that hold published experiences, in the programme's order, with their count."""
    counts = dict(_published().order_by().values_list("focus_area_id").annotate(n=Count("pk")))
    areas = FocusArea.objects.filter(pk__in=list(counts)).order_by("position", "code")
    return [(area, counts[area.pk]) for area in areas]


def get_published_theme(code: str) -> FocusArea:
    """A focus area that holds published experiences; anything else is NotFound."""
    try:
        return FocusArea.objects.filter(experiences__status=ExperienceStatus.PUBLISHED).distinct().get(code=code)
    except (FocusArea.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound from exc


def photos_of(experience: Experience) -> list[ExperienceFile]:
    return [f for f in experience.files.all() if f.kind == FileKind.PHOTO]


def promotion_batches() -> list[PromotionBatch]:
    """The batches that hold published experiences, each with its published experiences prefetched."""
    rows = (
        PromotionBatch.objects.filter(experiences__status=ExperienceStatus.PUBLISHED)
        .distinct()
        .prefetch_related(
            Prefetch("experiences", queryset=published(), to_attr="published_experiences"),
        )
        .order_by("issued_on", "id")
    )
    return list(rows)


def get_promotion_batch(batch_id: int) -> PromotionBatch:
    """A batch that holds published experiences, with them in ``.published_experiences``; else NotFound."""
    for batch in promotion_batches():
        if batch.pk == batch_id:
            return batch
    raise NotFound


def published_for_open_data() -> list[Experience]:
    """Every published experience with its results and adoptions loaded (the open data's rows)."""
    adoptions = Adoption.objects.select_related("pilot__province").order_by("adopted_on", "id")
    return list(
        published()
        .order_by("published_on", "id")
        .prefetch_related("results", Prefetch("adoptions", queryset=adoptions, to_attr="spread"))
    )


def adoptions_of(experience: Experience) -> list[Adoption]:
    """Where a published experience spread (nothing for an unpublished one)."""
    if not experience.is_published:
        return []
    return spread_of(experience)
