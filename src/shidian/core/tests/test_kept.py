"""Page parts kept until the data moves (core/kept.py): served again only to their reader, under the same
query, date, language and data generation; the completeness matrix, the monitoring page, the pilot list and
the pilot page use them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from shidian.accounts.models import User
from shidian.core import clock
from shidian.core.kept import kept
from shidian.indicators import demo
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db
TODAY = dt.date(2019, 7, 8)


class Renders:
    """A part that counts how often it was rendered."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> SafeString:
        self.count += 1
        return mark_safe(f"<p>{self.count}</p>")  # noqa: S308 - a constant


def test_a_part_is_rendered_once_per_reader_query_date_language_and_generation(
    user: Callable[[str], User],
) -> None:
    national, province = user("demo-national"), user("demo-province")
    part = Renders()
    with clock.travel_to(TODAY):
        assert kept("t", national, "a", part) == kept("t", national, "a", part) == "<p>1</p>"
        assert kept("t", province, "a", part) == "<p>2</p>"  # never another reader's copy
        assert kept("t", national, "b", part) == "<p>3</p>"
        with translation.override("en"):
            assert kept("t", national, "a", part) == "<p>4</p>"
    with clock.travel_to(TODAY + dt.timedelta(days=1)):
        assert kept("t", national, "a", part) == "<p>5</p>"
    with clock.travel_to(TODAY):
        assert kept("t", national, "a", part) == "<p>1</p>"
        PilotArea.objects.filter(pk=PilotArea.objects.order_by("pk").values("pk")[:1]).update(name="改名")
        assert kept("t", national, "a", part) == "<p>6</p>"  # a write: rendered anew
    assert part.count == 6


def test_nothing_is_kept_when_the_setting_is_zero(user: Callable[[str], User], settings: Any) -> None:
    settings.KEPT_PAGES_SECONDS = 0
    part = Renders()
    national = user("demo-national")
    assert kept("t", national, "", part) != kept("t", national, "", part)


def _without_token(html: str) -> str:
    return re.sub(r'X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"', "", html)


PAGES = {
    "matrix": lambda: reverse("reporting:matrix"),
    "matrix, page 2": lambda: reverse("reporting:matrix") + "?page=2",
    "monitoring": lambda: reverse("indicators:monitoring") + "?indicator=urban_rate_resident&period=2018",
    "pilot list": lambda: reverse("pilots:list"),
    "pilot list, third batch": lambda: reverse("pilots:list") + "?batch=3",
    "pilot page": lambda: reverse("pilots:detail", args=[PilotArea.objects.get(name="柳州市").pk]),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_second_visit_is_served_from_the_copy_until_a_write(client_as: Callable[[str], Client], name: str) -> None:
    demo.load_demo_indicators()
    url = PAGES[name]()
    client = client_as("demo-national")
    with clock.travel_to(TODAY):
        with CaptureQueriesContext(connection) as first:
            html = client.get(url).content.decode()
        with CaptureQueriesContext(connection) as second:
            again = client.get(url).content.decode()
        assert _without_token(again) == _without_token(html)
        assert len(second) < len(first) and len(second) <= 6, [q["sql"][:60] for q in second.captured_queries]
        towns = PilotArea.objects.exclude(name=F("province__name")).order_by("pk")  # not a province's row
        shown = next(p for p in towns if f">{p.name}<" in html)
        PilotArea.objects.filter(pk=shown.pk).update(name="改名后的试点")
        after = client.get(url).content.decode()
    assert ">改名后的试点<" not in html and ">改名后的试点<" in after


@pytest.mark.parametrize("name", PAGES)
def test_another_readers_copy_is_never_served(client_as: Callable[[str], Client], name: str) -> None:
    demo.load_demo_indicators()
    url = PAGES[name]()
    others = PilotArea.objects.exclude(province__name="广西壮族自治区").exclude(name=F("province__name"))
    outside = next(p.name for p in others.order_by("pk"))  # a town elsewhere, never a name a filter offers
    readers = client_as("demo-national"), client_as("demo-province")  # both signed in first: no write between
    with clock.travel_to(TODAY):
        national, province = (reader.get(url).content.decode() for reader in readers)
    assert national != province
    assert f">{outside}<" not in province


def test_each_query_keeps_its_own_copy(client_as: Callable[[str], Client]) -> None:
    """Pages that differ only in their query, visited one after the other with no write between."""
    towns = PilotArea.objects.exclude(name=F("province__name")).order_by("pk")
    first, second = towns[0], towns[1]
    pairs = [
        (PAGES["matrix"](), PAGES["matrix, page 2"]()),
        (PAGES["pilot list"](), PAGES["pilot list, third batch"]()),
        (reverse("pilots:detail", args=[first.pk]), reverse("pilots:detail", args=[second.pk])),
        (PAGES["monitoring"](), PAGES["monitoring"]().replace("period=2018", "period=2017")),
    ]
    client = client_as("demo-national")
    with clock.travel_to(TODAY):
        for one, other in pairs:
            assert _without_token(client.get(one).content.decode()) != _without_token(
                client.get(other).content.decode()
            ), other
        page = client.get(reverse("pilots:detail", args=[second.pk])).content.decode()
    assert f'data-testid="pilot-name">{second.name}<' in page
