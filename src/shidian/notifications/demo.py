"""A full inbox for every demo role: the demo's events and the producers over its last days, some read."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from shidian.core import clock
from shidian.notifications import registry, services
from shidian.notifications.models import Notification

# The days before the demo's date on which the daily producers ran (a week of reminders, some already seen).
DAYS_BACK = (14, 7, 3, 1, 0)
UNREAD_KEPT = 6  # per user at most: the newest half (up to six) stay unread, the older ones were read


@transaction.atomic
def load_demo_notifications() -> int:
    """Derive the demo's inboxes at the demo's date (deterministic: the same events give the same inbox)."""
    today = clock.today()
    # Those whose app records the reading (a notice's receipts) are read as it says, not ranked here.
    own = Notification.objects.filter(is_demo=True).exclude(event__action__in=registry.read_actions())
    # Asked before deriving: deriving itself marks read what was settled since (an experience recommended).
    loaded_before = own.filter(read_at__isnull=False).exists()
    created = services.derive()
    for back in DAYS_BACK:
        with clock.travel_to(today - dt.timedelta(days=back)):
            created += services.derive_periodic(today=clock.today())
    Notification.objects.filter(is_demo=True).update(mail_considered=True)  # demo inboxes send no e-mail
    if loaded_before:
        return created  # loaded before: what was read stays read, what is new stays unread
    ranked = list(
        own.filter(read_at__isnull=True)
        .annotate(rank=Window(RowNumber(), partition_by="recipient_id", order_by=("-day", "-id")))
        .values_list("pk", "recipient_id", "rank")
    )
    per_user: dict[int, int] = {}
    for _pk, recipient_id, _rank in ranked:
        per_user[recipient_id] = per_user.get(recipient_id, 0) + 1
    older = [pk for pk, who, rank in ranked if rank > max(1, min(UNREAD_KEPT, per_user[who] // 2))]
    Notification.objects.filter(pk__in=older).update(read_at=timezone.now())
    return created
