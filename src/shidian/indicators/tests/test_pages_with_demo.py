"""Every indicator page renders over the demo history (up to its business date), for every kind of reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from shidian.core import clock
from shidian.indicators import demo
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["demo-national", "demo-province", "demo-pilot", "demo-ministry"])
@clock.travel_to(dt.date(2019, 7, 8))
def test_pages_render_over_the_demo(client_as: Callable[[str], Client], username: str) -> None:
    demo.load_demo_indicators()
    liuzhou = PilotArea.objects.get(name="柳州市")
    client = client_as(username)
    urls = [
        reverse("indicators:monitoring"),
        reverse("indicators:monitoring") + "?indicator=urban_land_per_capita&period=2018",
        reverse("indicators:monitoring") + "?indicator=new_urban_jobs&period=2019H1",
        reverse("indicators:pilot", kwargs={"pilot_id": liuzhou.pk}),
        reverse("indicators:history", kwargs={"pilot_id": liuzhou.pk}),
        reverse("indicators:off_track"),
        reverse("indicators:off_track") + "?indicator=urban_rate_resident",
        reverse("indicators:compare") + f"?indicator=gdp_per_capita&pilots={liuzhou.pk}",
        reverse("indicators:quality"),
        reverse("indicators:quality") + "?status=open&period=2018",
        reverse("indicators:catalogue"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("indicators:pilot", kwargs={"pilot_id": liuzhou.pk})).content.decode()
    assert "series-urban_rate_resident" in page and "60左右" in page and "markLine" in page
    off = client.get(reverse("indicators:off_track")).content.decode()
    if username != "demo-pilot":
        assert "明显滞后" in off or "倒退" in off
    if username == "demo-pilot":
        for period in ["2019H1", "2018"]:  # the open half-year, and last year
            url = reverse("indicators:entry", kwargs={"pilot_id": liuzhou.pk, "period": period})
            assert client.get(url).status_code == 200


def test_values_periods_and_dates_read_as_officials_write_them(client_as: Callable[[str], Client]) -> None:
    """No stored precision (19412.000000人), no period codes (2016H1), no ISO dates on the pages."""
    import re

    from shidian.core import formatting
    from shidian.indicators.models import IndicatorValue

    demo.load_demo_indicators()
    liuzhou = PilotArea.objects.get(name="柳州市")
    client = client_as("demo-province")
    history = client.get(reverse("indicators:history", kwargs={"pilot_id": liuzhou.pk})).content.decode()
    text = re.sub(r"<[^>]+>", " ", history)
    shown = {
        formatting.indicator_value(v.value, value_type=i.value_type, decimals=i.decimals, unit=i.unit)
        for v in IndicatorValue.objects.filter(pilot=liuzhou).select_related("indicator")
        for i in [v.indicator]
        if i.unit and i.value_type != "yes_no"
    }
    assert sum(1 for s in shown if s in text) >= 5, "values with their decimals and units"
    assert not re.search(r"\d+\.\d{4,}", text), "stored precision shown"
    assert not re.search(r"\b20\d\dH[12]\b", text), "period codes shown"
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), "ISO dates shown"
    assert "年上半年" in text or "年度" in text
    assert re.search(r"20\d\d年\d{1,2}月\d{1,2}日", text)
