"""The inbox: own notifications only, unread first, read marks, the kind filter, the header count, preferences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shidian.accounts.models import User
from shidian.notifications import services
from shidian.notifications.models import EmailPreference, Notification
from shidian.notifications.registry import Kind
from shidian.notifications.tests.helpers import notify

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]
UserGetter = Callable[[str], User]
INBOX = reverse("notifications:inbox")


def test_the_inbox_shows_unread_first_and_only_the_users_own(client_as: ClientAs, user: UserGetter) -> None:
    Notification.objects.all().delete()
    old, new = notify(user("demo-pilot"), 2)
    services.mark_read(notification=new, by=user("demo-pilot"))
    notify(user("demo-province"), 1, prefix="province")
    html = client_as("demo-pilot").get(INBOX).content.decode()
    assert html.index(f'data-testid="notification-{old.pk}"') < html.index(f'data-testid="notification-{new.pk}"')
    assert "1 条未读" in html
    assert html.count('data-testid="notification-') == 2  # the province's is not here


def test_another_users_notification_is_not_found_and_stays_unread(client_as: ClientAs, user: UserGetter) -> None:
    (theirs,) = notify(user("demo-province"), 1)
    for name in ("read", "open"):
        url = reverse(f"notifications:{name}", kwargs={"notification_id": theirs.pk})
        assert client_as("demo-pilot").post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_marks_read_and_goes_to_the_link(client_as: ClientAs, user: UserGetter) -> None:
    (mine,) = notify(user("demo-pilot"), 1)
    response = client_as("demo-pilot").post(reverse("notifications:open", kwargs={"notification_id": mine.pk}))
    assert response.status_code == 302 and response["Location"] == "/plans/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_an_outside_link_is_not_followed(client_as: ClientAs, user: UserGetter) -> None:
    (mine,) = notify(user("demo-pilot"), 1)
    Notification.objects.filter(pk=mine.pk).update(url="https://evil.example.com/")
    response = client_as("demo-pilot").post(reverse("notifications:open", kwargs={"notification_id": mine.pk}))
    assert response["Location"] == INBOX


def test_mark_all_read_and_the_kind_filter(client_as: ClientAs, user: UserGetter) -> None:
    Notification.objects.all().delete()
    pilot = user("demo-pilot")
    notify(pilot, 2, kind=Kind.DUE, prefix="due")
    (returned,) = notify(pilot, 1, kind=Kind.RETURNED, prefix="returned")
    client = client_as("demo-pilot")
    html = client.get(INBOX, {"kind": "returned"}).content.decode()
    assert html.count('data-testid="notification-') == 1 and f"notification-{returned.pk}" in html
    client.post(reverse("notifications:read_all"), {"kind": "due", "query": "kind=due"})
    assert list(Notification.objects.filter(recipient=pilot, read_at__isnull=True)) == [returned]
    assert client.get(INBOX, {"unread": "on"}).content.decode().count('data-testid="notification-') == 1


def test_the_header_loads_the_unread_count(client_as: ClientAs, user: UserGetter) -> None:
    Notification.objects.filter(recipient=user("demo-pilot")).delete()
    client = client_as("demo-pilot")
    page = client.get(reverse("workbench:home")).content.decode()
    assert 'data-testid="header-notifications"' in page and reverse("notifications:unread") in page
    assert 'data-testid="unread-count"' not in client.get(reverse("notifications:unread")).content.decode()
    notify(user("demo-pilot"), 3)
    badge = client.get(reverse("notifications:unread")).content.decode()
    assert '<span class="bench-count has-items" data-testid="unread-count"' in badge and ">3</span>" in badge


def test_the_inbox_query_count_does_not_grow_with_the_notifications(
    client_as: ClientAs, user: UserGetter, django_assert_max_num_queries: Any
) -> None:
    client = client_as("demo-pilot")
    notify(user("demo-pilot"), 3, prefix="few")
    with django_assert_max_num_queries(9):
        assert client.get(INBOX).status_code == 200
    notify(user("demo-pilot"), 60, prefix="many")
    with django_assert_max_num_queries(9):
        assert client.get(INBOX).status_code == 200
    with django_assert_max_num_queries(7):  # session, user, axes and middleware checks, then one count
        assert client.get(reverse("notifications:unread")).status_code == 200


def test_preferences_are_saved_per_kind(client_as: ClientAs, user: UserGetter) -> None:
    client = client_as("demo-pilot")
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="due"' in page and "checked" in page
    wanted = {kind: "on" for kind in Kind.values if kind != Kind.DUE}
    assert client.post(reverse("notifications:preferences"), wanted).status_code == 302
    saved = services.email_wanted(user=user("demo-pilot"))
    assert saved[Kind.DUE] is False and saved[Kind.RETURNED] is True
    assert services.email_wanted(user=user("demo-province"))[Kind.DUE] is True
    assert set(EmailPreference.objects.filter(user=user("demo-pilot")).values_list("kind", flat=True)) == {Kind.DUE}


def test_preferences_posted_back_unchanged_write_nothing(client_as: ClientAs, user: UserGetter) -> None:
    client = client_as("demo-province")
    services.set_email_preferences(user=user("demo-province"), wanted={Kind.NOTICE: False})
    before = list(EmailPreference.objects.order_by("pk").values_list("pk", "user_id", "kind", "email"))
    unchanged = {kind: "on" for kind, email in services.email_wanted(user=user("demo-province")).items() if email}
    assert client.post(reverse("notifications:preferences"), unchanged).status_code == 302
    assert list(EmailPreference.objects.order_by("pk").values_list("pk", "user_id", "kind", "email")) == before


def test_every_role_opens_its_inbox(client_as: ClientAs) -> None:
    for username in ("demo-national", "demo-ministry", "demo-expert", "demo-sysadmin", "demo-auditor"):
        assert client_as(username).get(INBOX).status_code == 200, username


# Queries for (the inbox, the inbox filtered to one kind and unread, the header badge) per role, pinned.
INBOX_PINNED = {
    "demo-pilot": (6, 6, 4),
    "demo-province": (6, 6, 4),
    "demo-ministry": (6, 6, 4),
    "demo-national": (6, 6, 4),
}


@pytest.mark.parametrize("username", sorted(INBOX_PINNED))
def test_the_inbox_query_count_is_pinned_for_each_role(client_as: ClientAs, user: UserGetter, username: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts() -> tuple[int, ...]:
        found = []
        for url in (INBOX, f"{INBOX}?kind=answer&unread=on", reverse("notifications:unread")):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            found.append(len(captured))
        return tuple(found)

    client = client_as(username)
    notify(user(username), 2, prefix="few", kind=Kind.ANSWER)
    few = counts()
    notify(user(username), 45, prefix="many", kind=Kind.ANSWER)  # more than a page
    notify(user(username), 15, prefix="other", kind=Kind.NOTICE)
    assert few == counts() == INBOX_PINNED[username], few
