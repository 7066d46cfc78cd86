"""Notices for tests: a notification for a user from a made-up periodic source."""

from __future__ import annotations

from shidian.accounts.models import User
from shidian.notifications.models import Notification
from shidian.notifications.registry import Kind


def notify(user: User, n: int = 1, *, kind: Kind = Kind.DUE, prefix: str = "test") -> list[Notification]:
    return Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, title=f"测试通知{i}", url="/plans/", source=f"periodic:{prefix}:{i}")
        for i in range(n)
    )
