"""Issued evaluation bulletins, as the public reads them."""

from __future__ import annotations

from django.db.models import QuerySet

from shidian.core import clock
from shidian.evaluation.models import Bulletin, BulletinStatus, RunStatus


def issued_bulletins() -> QuerySet[Bulletin]:
    """Bulletins of published runs, saved with their number and dated on or before today."""
    return (
        Bulletin.objects.filter(
            run__status=RunStatus.PUBLISHED, status=BulletinStatus.ISSUED, issued_on__lte=clock.today()
        )
        .select_related("run__scheme")
        .order_by("-run__scheme__year", "-issued_on")
    )


def get_issued_bulletin(bulletin_id: int) -> Bulletin:
    return issued_bulletins().get(pk=bulletin_id)
