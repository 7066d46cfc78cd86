"""Reads of reference data about regions (public facts: no scoping needed)."""

from __future__ import annotations

from shidian.regions.models import MapBoundary, Province


def provinces() -> list[Province]:
    return list(Province.objects.order_by("code"))


def active_map_boundary() -> MapBoundary | None:
    return MapBoundary.objects.filter(is_active=True).first()
