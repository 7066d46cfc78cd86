"""The admin's list columns read as officials write: periods, decimals and dates through core.formatting."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from shidian.core import formatting

pytestmark = pytest.mark.django_db


def cells(client: Client, url: str) -> list[list[str]]:
    """The text of each body row of a changelist, cell by cell."""
    response = client.get(url)
    assert response.status_code == 200
    body = re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S)
    assert body, url
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in rows
    ]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("12.500000", "12.5"), ("3.000", "3"), ("0.000100", "0.0001"), ("-0.000", "0"), ("1E+2", "100"), (None, "")],
)
def test_a_stored_decimal_keeps_only_the_places_it_needs(stored: str | None, shown: str) -> None:
    assert formatting.decimal(None if stored is None else Decimal(stored)) == shown


def test_periods_read_as_half_years_and_years(client_as: Callable[[str], Client]) -> None:
    rows = cells(client_as("demo-sysadmin"), "/admin/indicators/indicatorperiod/")
    shown = {row[1] for row in rows}  # after the selection checkbox
    assert {"2016年上半年", "2016年下半年", "2016年度"} <= shown
    assert not any("2016H1" in cell for row in rows for cell in row)


def test_decimals_drop_the_stored_zeros(client_as: Callable[[str], Client]) -> None:
    rows = cells(client_as("demo-sysadmin"), "/admin/indicators/nationaltarget/")
    text = " ".join(cell for row in rows for cell in row)
    assert "52.6" in text  # 常住人口城镇化率's base value, stored as 52.600000
    assert "52.600000" not in text
    assert not re.search(r"\d\.\d*0{3,}\b", text)


def test_dates_and_moments_read_in_chinese(client_as: Callable[[str], Client]) -> None:
    rows = cells(client_as("demo-sysadmin"), "/admin/pilots/batch/")
    assert "2014年12月29日" in rows[0]  # the first batch's notice date
    assert not any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell) for row in rows for cell in row)

    secadmin = client_as("demo-secadmin")  # first: signing in clears expired attempts
    AccessAttempt.objects.create(
        username="someone",
        ip_address="127.0.0.9",
        user_agent="test",
        failures_since_start=3,
    )
    moment = dt.datetime(2019, 7, 10, 14, 5, 30, tzinfo=timezone.get_current_timezone())
    AccessAttempt.objects.filter(username="someone").update(attempt_time=moment)  # auto_now_add on create
    rows = cells(secadmin, "/admin/axes/accessattempt/")
    assert any("2019年7月10日 14:05" in row for row in rows), rows


def test_a_formatted_column_still_sorts_by_its_field(client_as: Callable[[str], Client]) -> None:
    client = client_as("demo-sysadmin")
    ascending = [row[1] for row in cells(client, "/admin/pilots/batch/?o=3")]  # notice_date, the third column
    descending = [row[1] for row in cells(client, "/admin/pilots/batch/?o=-3")]
    assert ascending == list(reversed(descending)) and ascending[0] != descending[0]


def test_an_editable_cell_is_named_for_screen_readers(client_as: Callable[[str], Client]) -> None:
    html = client_as("demo-sysadmin").get("/admin/indicators/indicatorperiod/").content.decode()
    boxes = re.findall(r'<input type="checkbox" name="form-\d+-is_open"[^>]*>', html)
    assert boxes and all('aria-label="开放填报"' in box for box in boxes)
