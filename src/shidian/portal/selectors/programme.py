"""The programme at a glance: its batches, its pilots by status, its mileposts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from shidian.pilots.models import Batch, PilotArea, Programme


@dataclass(frozen=True)
class Milepost:
    day: dt.date
    text: str


def programme() -> Programme | None:
    return Programme.objects.first()


def batches_with_counts() -> list[tuple[Batch, int]]:
    counts = dict(PilotArea.objects.order_by().values_list("batch_id").annotate(n=Count("pk")))
    return [(b, counts.get(b.pk, 0)) for b in Batch.objects.order_by("number")]


def status_counts() -> dict[str, int]:
    return dict(PilotArea.objects.order_by().values_list("status").annotate(n=Count("pk")))
