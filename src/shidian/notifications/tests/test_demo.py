"""The demo gives every business role a full inbox, some read and some unread, and loading it twice adds nothing."""

from __future__ import annotations

import pytest

from shidian.accounts.demo import DEMO_ACCOUNTS
from shidian.bootstrap.data import demo_today
from shidian.core import clock
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
    with clock.travel_to(demo_today()):
        assert load_demo_notifications() == 0
    assert services.derive() == 0
    assert Notification.objects.count() == before


# What the demo's history (written through the real services) tells each role: the rules of every app at work.
EXPECTED_KINDS = {
    "demo-pilot": {"returned", "decision", "account"},  # its report and plan returned, its warning decided
    "demo-province": {"review", "decision"},  # a report and a plan waiting, the results and the bulletin
    "demo-national": {"review"},  # contacts submitted, an objection to answer
    "demo-ministry": {"decision"},  # the bulletin
    "demo-natres": {"review", "decision"},  # the 土地 and 规划 items routed to 自然资源部, the bulletin
    "demo-department": {"due"},  # its milestone coming due within 30 days
    "demo-expert": {"decision"},  # the results of the year it scored are published
}


@pytest.mark.parametrize("username", sorted(EXPECTED_KINDS))
def test_the_demo_inbox_holds_what_the_history_means_to_the_role(demo_world: None, username: str) -> None:
    kinds = set(Notification.objects.filter(recipient__username=username).values_list("kind", flat=True))
    assert EXPECTED_KINDS[username] <= kinds, kinds


def test_the_demo_warning_reaches_its_pilot_and_province_and_nobody_else(demo_world: None) -> None:
    from shidian.evaluation import notify as evaluation_notify
    from shidian.evaluation.models import Warning

    warning = Warning.objects.select_related("pilot").get(status="approved")
    about = Notification.objects.filter(kind="decision", url=f"/evaluation/pilots/{warning.pilot_id}/")
    assert set(about.values_list("recipient_id", flat=True)) == {u.pk for u in evaluation_notify._people(warning)}
    if warning.pilot.province.name != "广西壮族自治区":  # the demo province's officer is not told of another's
        assert not about.filter(recipient__username="demo-province").exists()
    assert not Notification.objects.filter(
        recipient__username="demo-pilot", url=f"/evaluation/pilots/{warning.pilot_id}/"
    ).exists()  # another pilot's warning is not 柳州市's business


def test_the_demo_inboxes_hold_the_exchange_for_the_pilot_the_ministry_and_the_commission(demo_world: None) -> None:
    """The demo's difficulties and notices, derived by the centre: each side of the exchange finds its part."""

    def exchange(username: str) -> set[str]:
        mine = Notification.objects.filter(recipient__username=username, event__action__startswith="exchange.")
        return set(mine.values_list("kind", flat=True))

    for username in ("demo-pilot", "demo-ministry", "demo-province"):  # something new to open
        assert Notification.objects.filter(
            recipient__username=username, event__action__startswith="exchange.", read_at__isnull=True
        ).exists(), username

    assert exchange("demo-pilot") == {"answer", "notice"}  # accepted and answered items, the two notices
    assert exchange("demo-ministry") == {"review", "co_handling"}  # 住房 items routed to it, 土地/规划 to co-handle
    assert "overdue" in exchange("demo-national")  # the escalated 户籍 item
    assert exchange("demo-province") == {"answer"}  # the 编制 item it raised for 来宾市
    titles = set(Notification.objects.filter(recipient__username="demo-ministry").values_list("title", flat=True))
    assert "新分办的问题：柳州市 · 老旧小区改造居民出资机制（演示）" in titles


def test_the_demo_notifications_carry_the_days_of_their_events_not_the_demo_date(demo_world: None) -> None:
    from shidian.core.audit import business_day_of

    derived = list(Notification.objects.filter(is_demo=True, event__isnull=False).select_related("event"))
    assert derived
    assert all(n.day == business_day_of(n.event) for n in derived if n.event is not None)
    # The test session makes the demo accounts at the real date before the demo (conftest): theirs aside.
    days = {n.day for n in derived if n.kind != "account"}
    assert min(days).year <= 2018 and max(days) <= demo_today(), (min(days), max(days))
    assert len(days) > 10  # the history's days, not one date for all


def test_every_notice_notification_of_the_demo_is_read_exactly_when_its_reader_read_the_notice(
    demo_world: None,
) -> None:
    from shidian.exchange.models import NoticeReceipt

    readers = set(NoticeReceipt.objects.filter(read_by__isnull=False).values_list("notice_id", "read_by_id"))
    notes = Notification.objects.filter(event__action="exchange.notice.sent").values_list(
        "event__object_id", "recipient_id", "read_at"
    )
    assert notes
    for notice_id, recipient_id, read_at in notes:
        assert (read_at is not None) == ((int(notice_id), recipient_id) in readers), (notice_id, recipient_id)
