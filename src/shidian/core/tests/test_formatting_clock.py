"""The formatting module writes as officials write; the business clock travels in tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client, override_settings

from shidian.core import clock, formatting


def test_numbers_keep_the_indicators_decimals_and_unit() -> None:
    assert formatting.indicator_value(Decimal("19412.000000"), value_type="number", decimals=0, unit="人") == "19412人"
    assert formatting.indicator_value(Decimal("68.740000"), value_type="percent", decimals=2, unit="%") == "68.74%"
    assert formatting.indicator_value(Decimal("1"), value_type="yes_no", decimals=0, unit="") == "是"
    assert formatting.indicator_value(Decimal("0"), value_type="yes_no", decimals=0, unit="") == "否"
    assert formatting.number(Decimal("2.345"), 2) == "2.35"  # half-up, not banker's rounding
    assert formatting.number(Decimal("-0.001"), 2) == "0.00"


def test_evaluation_numbers_scores_to_the_cent_weights_whole_indices_to_three_places() -> None:
    from django.template import Context, Template

    assert formatting.score(Decimal("61.980000")) == "61.98"
    assert formatting.score(100.0) == "100.00"
    assert formatting.weight(Decimal("35.00")) == "35"
    assert formatting.weight(38.888888) == "38.89"  # re-scaled onto the dimensions that apply
    assert formatting.weight(None) == ""
    assert formatting.index(0.98076) == "0.981"
    assert formatting.index(1) == "1.000"
    page = Template(
        "{% load shidian_format %}{{ s|cn_score }}|{{ w|cn_weight }}|{{ c|cn_index }}|{{ v|cn_decimal }}"
    ).render(Context({"s": 87.15, "w": Decimal("20.00"), "c": 0.8594, "v": "81.000000"}))
    assert page == "87.15|20|0.859|81"


def test_periods_and_dates_read_as_in_documents() -> None:
    assert formatting.period("2019H1") == "2019年上半年"
    assert formatting.period("2019H2") == "2019年下半年"
    assert formatting.period("2019") == "2019年度"
    assert formatting.date(dt.date(2019, 7, 10)) == "2019年7月10日"


def test_moments_are_local_and_written_in_chinese() -> None:
    from django.template import Context, Template

    moment = dt.datetime(2019, 7, 10, 1, 5, 9, tzinfo=dt.UTC)  # 09:05 in Beijing
    assert formatting.datetime(moment) == "2019年7月10日 09:05"
    assert formatting.datetime(moment, seconds=True) == "2019年7月10日 09:05:09"
    assert formatting.date(dt.datetime(2019, 7, 9, 20, 0, tzinfo=dt.UTC)) == "2019年7月10日"
    page = Template("{% load shidian_format %}{{ m|cn_datetime }}|{{ d|cn_date }}|{{ p|cn_period }}").render(
        Context({"m": moment, "d": dt.date(2019, 7, 10), "p": "2016H1"})
    )
    assert page == "2019年7月10日 09:05|2019年7月10日|2016年上半年"


def test_a_local_date_follows_the_active_language_and_documents_stay_chinese() -> None:
    from django.template import Context, Template
    from django.utils import translation

    day = dt.date(2019, 7, 10)
    late_evening = dt.datetime(2019, 12, 31, 16, 30, tzinfo=dt.UTC)  # 1 January 2020, 00:30 in Beijing
    with translation.override("en"):
        assert formatting.local_date(day) == "10 July 2019"
        assert formatting.local_date(late_evening) == "1 January 2020"
        assert formatting.local_date(None) == ""
        assert formatting.date(day) == "2019年7月10日"  # a document is Chinese whatever the reader's language
        assert Template("{% load shidian_format %}{{ d|local_date }}").render(Context({"d": day})) == "10 July 2019"
    with translation.override("zh-hans"):
        assert formatting.local_date(day) == "2019年7月10日"
        assert formatting.local_date(late_evening) == "2020年1月1日"


def test_the_clock_travels_and_comes_back() -> None:
    real = clock.today()
    with clock.travel_to(dt.date(2019, 7, 8)):
        assert clock.today() == dt.date(2019, 7, 8)
    assert clock.today() == real


@override_settings(BUSINESS_TODAY=dt.date(2019, 7, 8))
def test_a_demo_runs_at_its_business_date() -> None:
    assert clock.today() == dt.date(2019, 7, 8)
    assert clock.is_pinned()


def test_business_moments_fall_on_the_business_date_and_audit_time_stays_real() -> None:
    from django.utils import timezone

    with clock.travel_to(dt.date(2019, 7, 8)):
        assert timezone.localdate(clock.now()) == dt.date(2019, 7, 8)
        assert timezone.localdate(timezone.now()) != dt.date(2019, 7, 8)
    assert abs((clock.now() - timezone.now()).total_seconds()) < 5


@pytest.mark.django_db
def test_the_demo_banner_shows_the_business_date(client: Client) -> None:
    with clock.travel_to(dt.date(2019, 7, 8)):
        body = client.get("/accounts/login/").content.decode()
    assert "演示环境 · 业务日期 2019年7月8日" in body
    client.cookies["django_language"] = "en"
    with clock.travel_to(dt.date(2019, 7, 8)):
        english = client.get("/portal/").content.decode()
    assert "business date 8 July 2019" in english and "2019年7月8日" not in english
    del client.cookies["django_language"]
    with override_settings(DEMO=False), clock.travel_to(dt.date(2019, 7, 8)):
        assert "业务日期" not in client.get("/accounts/login/").content.decode()
