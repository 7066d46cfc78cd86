"""Derivation from the audit trail and the producers: once per source and recipient, however often it runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from shidian.accounts import services as account_services
from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core.actors import system
from shidian.core.errors import DomainError
from shidian.notifications import registry, services
from shidian.notifications.models import EmailPreference, Notification, OutgoingMail
from shidian.notifications.registry import Kind, Notice
from shidian.notifications.tests.helpers import notify

pytestmark = pytest.mark.django_db
UserGetter = Callable[[str], User]


def _new_user(username: str, email: str = "") -> User:
    return account_services.create_user(
        username=username,
        password="Xk#9-long-enough-password",
        role="expert",
        organisation=Organisation.objects.get(kind=OrganisationKind.EXPERT_PANEL),
        full_name="新专家",
        email=email,
        by=system("tests"),
    )


def test_an_account_created_is_notified_to_its_owner_once_however_often_derive_runs() -> None:
    services.derive()  # catch up with whatever the set-up left
    user = _new_user("expert-new")
    assert services.derive() == 1
    assert services.derive() == 0
    mine = Notification.objects.get(recipient=user)
    assert mine.kind == Kind.ACCOUNT and "expert-new" in mine.title and mine.event is not None
    assert mine.source == f"event:{mine.event.pk}:account"


def test_a_second_store_of_the_same_rows_inserts_nothing(user: UserGetter) -> None:
    """Two runs racing past the existence check still insert one row: the constraint and ignore_conflicts."""
    pilot = user("demo-pilot")
    notice = Notice(kind=Kind.DUE, recipients=[pilot, pilot], title="节点即将到期", key="race")
    rows = services._rows(notice, source="periodic:race", event=None)
    assert len(rows) == 1  # a recipient named twice is told once
    assert services._store(rows) == 1
    Notification.objects.bulk_create(services._rows(notice, source="periodic:race", event=None), ignore_conflicts=True)
    assert Notification.objects.filter(source="periodic:race").count() == 1


@pytest.fixture
def producer(user: UserGetter) -> Iterator[list[dt.date]]:
    seen: list[dt.date] = []

    def due_soon(today: dt.date) -> Iterator[Notice]:
        seen.append(today)
        yield Notice(
            kind=Kind.DUE,
            recipients=[user("demo-pilot"), user("demo-department")],
            title=f"{today} 到期",
            key=f"test:{today.isoformat()}",
        )

    registry.periodically(due_soon)
    yield seen
    registry._producers.remove(due_soon)


def test_periodic_notices_are_stored_once_per_key_and_recipient(producer: list[dt.date], user: UserGetter) -> None:
    day = dt.date(2019, 7, 8)
    assert services.derive_periodic(today=day) == 2
    assert services.derive_periodic(today=day) == 0
    assert services.derive_periodic(today=day + dt.timedelta(days=1)) == 2
    assert producer == [day, day, day + dt.timedelta(days=1)]
    assert Notification.objects.filter(recipient=user("demo-pilot"), source__startswith="periodic:test:").count() == 2


def test_a_producer_without_a_key_is_refused(user: UserGetter) -> None:
    def keyless(today: dt.date) -> Iterator[Notice]:
        yield Notice(kind=Kind.DUE, recipients=[user("demo-pilot")], title="无标识")

    registry.periodically(keyless)
    try:
        with pytest.raises(ValueError, match="key"):
            services.derive_periodic(today=dt.date(2019, 7, 8))
    finally:
        registry._producers.remove(keyless)


def test_inactive_users_are_not_notified(user: UserGetter) -> None:
    pilot = user("demo-pilot")
    pilot.is_active = False
    notice = Notice(kind=Kind.DUE, recipients=[pilot], title="x", key="inactive")
    assert services._store(services._rows(notice, source="periodic:inactive", event=None)) == 0


def test_marking_read_is_for_the_recipient_only(user: UserGetter) -> None:
    Notification.objects.filter(recipient__username="demo-pilot").delete()
    mine, *_ = notify(user("demo-pilot"), 3)
    with pytest.raises(DomainError):
        services.mark_read(notification=mine, by=user("demo-province"))
    assert services.mark_read(notification=mine, by=user("demo-pilot")).read_at is not None
    assert services.mark_all_read(by=user("demo-pilot")) == 2
    assert services.mark_all_read(by=user("demo-pilot")) == 0


def test_mark_all_read_of_one_kind_leaves_the_others(user: UserGetter) -> None:
    pilot = user("demo-pilot")
    notify(pilot, 2, kind=Kind.DUE, prefix="due")
    notify(pilot, 1, kind=Kind.RETURNED, prefix="returned")
    assert services.mark_all_read(by=pilot, kind=Kind.DUE) == 2
    assert Notification.objects.filter(recipient=pilot, read_at__isnull=True, kind=Kind.RETURNED).count() == 1


def test_email_preferences_default_to_yes_and_are_kept_per_kind(user: UserGetter) -> None:
    pilot = user("demo-pilot")
    assert all(services.email_wanted(user=pilot).values())
    wanted = services.set_email_preferences(user=pilot, wanted={Kind.DUE: False, Kind.RETURNED: True})
    assert wanted[Kind.DUE] is False and wanted[Kind.RETURNED] is True and wanted[Kind.DECISION] is True
    assert services.email_wanted(user=user("demo-province"))[Kind.DUE] is True  # another user's stay
    with pytest.raises(DomainError, match="未知"):
        services.set_email_preferences(user=pilot, wanted={"nonsense": True})
    # Only the choice that differs from the one in force is stored (RETURNED was already wanted).
    assert list(EmailPreference.objects.filter(user=pilot).values_list("kind", "email")) == [(Kind.DUE, False)]
    services.set_email_preferences(user=pilot, wanted={Kind.DUE: True})
    assert list(EmailPreference.objects.filter(user=pilot).values_list("kind", "email")) == [(Kind.DUE, True)]


def test_mail_is_queued_only_for_wanted_kinds_with_an_address(settings: object, user: UserGetter) -> None:
    settings.EMAIL_ENABLED = True  # type: ignore[attr-defined]
    services.queue_mail()  # whatever the set-up left
    pilot, province = user("demo-pilot"), user("demo-province")
    User.objects.filter(pk=pilot.pk).update(email="pilot@example.cn")
    services.set_email_preferences(user=pilot, wanted={Kind.RETURNED: False})
    notify(User.objects.get(pk=pilot.pk), 1, kind=Kind.DUE, prefix="wanted")
    notify(User.objects.get(pk=pilot.pk), 1, kind=Kind.RETURNED, prefix="unwanted")
    notify(province, 1, kind=Kind.DUE, prefix="no-address")
    assert services.queue_mail() == 1
    assert list(OutgoingMail.objects.values_list("to", "subject")) == [("pilot@example.cn", "【试点平台】测试通知0")]
    assert services.queue_mail() == 0  # each notification is considered once
    assert not Notification.objects.filter(mail_considered=False).exists()


def test_no_mail_is_queued_while_email_is_off(user: UserGetter) -> None:
    User.objects.filter(username="demo-pilot").update(email="pilot@example.cn")
    notify(user("demo-pilot"), 2)
    assert services.queue_mail() == 0
    assert not OutgoingMail.objects.exists()
    assert not Notification.objects.filter(mail_considered=False).exists()


def test_derivation_is_enqueued_after_the_commit_of_an_event_with_a_rule(
    django_capture_on_commit_callbacks: object,
) -> None:
    services.derive()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[operator]
        user = _new_user("expert-after-commit")
        _new_user("expert-after-commit-2")
        assert not Notification.objects.filter(recipient=user).exists()  # nothing inside the transaction
    assert len([c for c in callbacks if "enqueue_derive" in c.__qualname__]) == 1  # once per transaction
    assert Notification.objects.filter(recipient=user, kind=Kind.ACCOUNT).count() == 1
