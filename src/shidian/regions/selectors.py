"""Reads of reference data about regions (public facts: no scoping needed)."""

from __future__ import annotations

from django.db.models import QuerySet

from shidian.regions.models import Division, MapBoundary, Province


def provinces() -> list[Province]:
    return list(Province.objects.order_by("code"))


def active_map_boundary() -> MapBoundary | None:
    return MapBoundary.objects.filter(is_active=True).first()


def divisions(*, province: str = "", level: str = "", current_only: bool = True) -> QuerySet[Division]:
    """Divisions (public facts), optionally of one province (by code) and level; retired ones on request."""
    queryset = Division.objects.select_related("province", "parent")
    if province:
        queryset = queryset.filter(province__code=province)
    if level:
        queryset = queryset.filter(level=level)
    if current_only:
        queryset = queryset.filter(valid_until__isnull=True)
    return queryset
