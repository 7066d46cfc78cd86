"""Reads of the registry, always for a user and always through core.scoping."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from shidian.core import scoping
from shidian.core.errors import DomainError, NotFound
from shidian.core.roles import Capability
from shidian.pilots.models import VERIFIED_LEVELS, AreaKind, Batch, PilotArea, PilotStatus, RegistryImport, Verification
from shidian.regions.models import Province, RegionClass

if TYPE_CHECKING:
    from shidian.accounts.models import User
    from shidian.core.actors import Actor


def visible_pilots(*, user: User) -> QuerySet[PilotArea]:
    """The pilots ``user`` may see."""
    return scoping.restrict(PilotArea.objects.with_facts(), user)


def get_pilot_for(*, user: User, pilot_id: int) -> PilotArea:
    """One pilot, or NotFound when it does not exist or is outside the user's scope."""
    return scoping.get_for(PilotArea.objects.with_facts(), user, pk=pilot_id)


def filtered_pilot(*, user: User, pilot_id: int) -> PilotArea:
    """The pilot a list's ``?pilot=`` names; missing and out of reach are both NotFound (a filter is no probe)."""
    return scoping.filter_target(PilotArea.objects.all(), user, pk=pilot_id)


def filtered_province(*, user: Actor, code: str) -> Province:
    """The province a list's ``?province=`` names by its code; missing and out of reach are both NotFound."""
    return scoping.filter_target(Province.objects.all(), user, code=code)


@dataclass(frozen=True)
class PilotFilters:
    batch: int | None = None
    province: str = ""
    region: str = ""
    kind: str = ""
    status: str = ""
    verification: str = ""
    q: str = ""


def filter_pilots(queryset: QuerySet[PilotArea], filters: PilotFilters) -> QuerySet[PilotArea]:
    if filters.batch:
        queryset = queryset.filter(batch__number=filters.batch)
    if filters.province:
        queryset = queryset.filter(province__code=filters.province)
    if filters.region:
        queryset = queryset.filter(province__region=filters.region)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.verification == "verified":
        queryset = queryset.filter(verification__in=VERIFIED_LEVELS)
    elif filters.verification:
        queryset = queryset.filter(verification=filters.verification)
    if filters.q:
        queryset = queryset.filter(
            Q(name__icontains=filters.q) | Q(division__name__icontains=filters.q) | Q(source_note__icontains=filters.q)
        )
    return queryset


# What the API's list answers with (schemas.PilotOut), and nothing more: each row of a page of 100 was six model
# instances of every field, two thirds of the request's CPU (issue 16).
LISTED_FIELDS = (
    *("id", "name", "kind", "status", "verification"),
    *("batch__number", "province__code", "province__name", "division__code"),
)


def find_pilots(*, user: User, filters: PilotFilters) -> QuerySet[PilotArea]:
    """The pilots ``user`` may see narrowed by ``filters`` (the API's list); a province out of reach is NotFound."""
    if filters.province:
        filtered_province(user=user, code=filters.province)
    listed = PilotArea.objects.select_related("batch", "province", "division").only(*LISTED_FIELDS)
    return filter_pilots(scoping.restrict(listed, user), filters)


def _counts(queryset: QuerySet[PilotArea], field: str) -> dict[Any, int]:
    return {row[field]: row["n"] for row in queryset.order_by().values(field).annotate(n=Count("pk"))}


@dataclass(frozen=True)
class Dashboard:
    total: int
    by_batch: list[tuple[str, int]]
    by_region: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    by_province: list[tuple[Province, int]]


def dashboard_for(*, user: User) -> Dashboard:
    """Counts of the user's pilots by batch, region, kind, status and province (one query each)."""
    pilots = visible_pilots(user=user)
    by_batch = _counts(pilots, "batch__number")
    by_region = _counts(pilots, "province__region")
    by_kind = _counts(pilots, "kind")
    by_status = _counts(pilots, "status")
    by_province = _counts(pilots, "province_id")
    batches = list(Batch.objects.order_by("number"))
    provinces = list(Province.objects.order_by("code"))
    return Dashboard(
        total=sum(by_batch.values()),
        by_batch=[(str(b), by_batch.get(b.number, 0)) for b in batches],
        by_region=[(str(label), by_region.get(value, 0)) for value, label in RegionClass.choices],
        by_kind=[(str(label), by_kind.get(value, 0)) for value, label in AreaKind.choices],
        by_status=[(str(label), by_status.get(value, 0)) for value, label in PilotStatus.choices],
        by_province=[(p, by_province.get(p.pk, 0)) for p in provinces],
    )


@dataclass(frozen=True)
class BatchCompleteness:
    batch: Batch
    loaded: int
    verified: int
    by_verification: dict[str, int]

    @property
    def missing(self) -> int:
        return max(self.batch.declared_areas - self.loaded, 0)


def registry_completeness(*, user: User) -> list[BatchCompleteness]:
    """Per batch: declared (the notices' public numbers) vs loaded vs verified, counting the user's pilots."""
    visible = visible_pilots(user=user).order_by()
    loaded = _counts(visible, "batch_id")
    verified = _counts(visible.filter(verification__in=VERIFIED_LEVELS), "batch_id")
    per_level: dict[tuple[int, str], int] = {
        (row["batch_id"], row["verification"]): row["n"]
        for row in visible.values("batch_id", "verification").annotate(n=Count("pk"))
    }
    return [
        BatchCompleteness(
            batch=b,
            loaded=loaded.get(b.pk, 0),
            verified=verified.get(b.pk, 0),
            by_verification={str(label): per_level.get((b.pk, value), 0) for value, label in Verification.choices},
        )
        for b in batches()
    ]


def get_pending_import_for(*, user: User, import_id: int) -> RegistryImport:
    """A registry upload awaiting confirmation by the user who uploaded it; NotFound otherwise."""
    scoping.require(user, Capability.IMPORT_REGISTRY)
    upload = RegistryImport.objects.filter(pk=import_id, uploaded_by_id=user.pk).first()
    if upload is None:
        raise NotFound
    return upload


def programme_end_year_if_known() -> int | None:
    """The programme's last year: the latest roll-out deadline (全面推广) of the batches; None if none is set."""
    last = Batch.objects.aggregate(last=Max("rollout_by"))["last"]
    return None if last is None else int(last.year)


def programme_end_year() -> int:
    """The programme's last year; DomainError when the registry has no roll-out deadline."""
    last = programme_end_year_if_known()
    if last is None:
        raise DomainError(_("名录中没有登记试点工作的全面推广期限，请系统管理员补充批次信息。"))
    return last


def batches() -> list[Batch]:
    """The programme's batches (public facts)."""
    return list(Batch.objects.order_by("number"))


def warned_pilots(*, user: User) -> QuerySet[PilotArea]:
    """The pilots under warning in the user's reach (the pilot list filtered by 警告)."""
    return filter_pilots(visible_pilots(user=user), PilotFilters(status=PilotStatus.WARNED)).order_by(
        "province__code", "name"
    )
