"""The demo gives every business role a full inbox, some read and some unread, and loading it twice adds nothing."""

from __future__ import annotations

import pytest

from shidian.accounts.demo import DEMO_ACCOUNTS
from shidian.core.roles import ADMIN_DUTIES
from shidian.notifications import services
from shidian.notifications.demo import load_demo_notifications
from shidian.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_every_business_demo_role_has_read_and_unread_notifications(demo_world: None) -> None:
    for username, role, _name in DEMO_ACCOUNTS:
        if role in ADMIN_DUTIES:
            continue
        mine = Notification.objects.filter(recipient__username=username)
        assert mine.filter(read_at__isnull=True).exists(), username
        assert mine.filter(read_at__isnull=False).exists(), username
        assert not mine.filter(is_demo=False).exists(), username


def test_loading_the_demo_inboxes_again_creates_nothing(demo_world: None) -> None:
    before = Notification.objects.count()
    assert load_demo_notifications() == 0
    assert services.derive() == 0
    assert Notification.objects.count() == before
