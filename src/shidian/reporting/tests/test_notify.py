"""The reporting notices: rounds coming due and overdue (daily), returns, reviews waiting, copies to ministries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from shidian.accounts.models import User
from shidian.notifications import services as notifications
from shidian.notifications.models import Notification
from shidian.pilots.models import PilotArea
from shidian.reporting import services
from shidian.reporting.tests.factories import on, submitted_report, year_end
from shidian.reporting.tests.test_province import accepted_liuzhou

pytestmark = pytest.mark.django_db
UserGetter = Callable[[str], User]


def _round_notices(user: User) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(recipient=user, source__startswith="periodic:reporting.round:").values_list(
            "kind", "source"
        )
    )


def test_round_reminders_before_the_due_date_and_when_overdue_once(user: UserGetter, settings: object) -> None:
    settings.REPORT_REMINDER_DAYS = 5  # type: ignore[attr-defined]
    r2017 = year_end(2017)  # pilots due 2017-12-20, provinces 2018-01-10
    pilot, province = user("demo-pilot"), user("demo-province")
    notifications.derive_periodic(today=dt.date(2017, 12, 10))
    assert _round_notices(pilot) == []  # not yet
    notifications.derive_periodic(today=dt.date(2017, 12, 16))
    notifications.derive_periodic(today=dt.date(2017, 12, 17))
    assert [k for k, _s in _round_notices(pilot)] == ["due"]
    notifications.derive_periodic(today=dt.date(2017, 12, 21))
    notifications.derive_periodic(today=dt.date(2017, 12, 22))
    assert [k for k, _s in _round_notices(pilot)] == ["due", "overdue"]
    assert _round_notices(province) == []  # the province's own date is later
    notifications.derive_periodic(today=dt.date(2018, 1, 8))
    assert [k for k, _s in _round_notices(province)] == ["due"]
    assert all(f"reporting.round:{r2017.pk}:" in s for _k, s in _round_notices(province))


def test_a_pilot_that_reported_is_not_reminded(user: UserGetter) -> None:
    r2017 = year_end(2017)
    submitted_report(user("demo-pilot"), r2017, when=dt.date(2017, 12, 10))
    notifications.derive_periodic(today=dt.date(2017, 12, 21))
    assert _round_notices(user("demo-pilot")) == []


def test_a_returned_report_reaches_the_pilot_office_with_the_comment(user: UserGetter) -> None:
    r2017 = year_end(2017)
    notifications.derive()
    report = submitted_report(user("demo-pilot"), r2017, when=dt.date(2017, 12, 10))
    services.return_pilot_report(report=report, comment="请补充数据。", by=user("demo-province"))
    notifications.derive()
    assert Notification.objects.filter(recipient=user("demo-province"), kind="review").count() == 1
    # Returned: the province's 待审核 item is settled for every provincial officer.
    assert not Notification.objects.filter(recipient=user("demo-province"), kind="review", read_at__isnull=True)
    returned = Notification.objects.get(recipient=user("demo-pilot"), kind="returned")
    assert returned.body == "请补充数据。" and returned.url == f"/reporting/reports/{report.pk}/"
    assert PilotArea.objects.get(pk=report.pilot_id).name in Notification.objects.get(kind="review").title


def test_a_submitted_province_report_reaches_the_commission_and_its_copies_the_ministries(user: UserGetter) -> None:
    province = user("demo-province")
    draft = accepted_liuzhou(user)
    draft = services.save_province_draft(
        report=draft, revision=draft.revision, fields={"overview": "总体", "difficulties": "用地", "suggestions": "x"},
        pilot_texts={}, by=province,
    )  # fmt: skip
    notifications.derive()
    report = services.submit_province_report(report=draft, by=province, now=on(dt.date(2018, 1, 8)))
    notifications.derive()
    copy = Notification.objects.get(recipient=user("demo-ministry"), kind="notice")
    assert copy.title.startswith("抄送：") and copy.url.startswith("/reporting/copies/")
    assert Notification.objects.filter(recipient=user("demo-national"), kind="review").exists()
    services.return_province_report(report=report, comment="请补充。", by=user("demo-national"))
    notifications.derive()
    assert Notification.objects.get(recipient=province, kind="returned").body == "请补充。"


def test_an_accepted_report_settles_the_provinces_review_item(user: UserGetter) -> None:
    r2017 = year_end(2017)
    notifications.derive()
    report = submitted_report(user("demo-pilot"), r2017, when=dt.date(2017, 12, 10))
    notifications.derive()
    open_reviews = Notification.objects.filter(recipient=user("demo-province"), kind="review", read_at__isnull=True)
    assert open_reviews.count() == 1
    services.accept_pilot_report(report=report, by=user("demo-province"))
    notifications.derive()
    assert open_reviews.count() == 0
