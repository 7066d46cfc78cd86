"""The system admin uploads an approved boundary file; the dashboard then draws it with the review number."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from shidian.regions.models import MapBoundary

pytestmark = pytest.mark.e2e

REVIEW_NUMBER = "GS(2026)0001号"


def _square(west: float, south: float, east: float, north: float) -> list[list[list[float]]]:
    return [[[west, south], [east, south], [east, north], [west, north], [west, south]]]


def _geojson() -> bytes:
    features = [
        {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": ring}}
        for name, ring in [
            ("广西壮族自治区", _square(104.5, 21.5, 109.5, 26.0)),
            ("广东省", _square(110.0, 21.0, 117.0, 25.0)),
        ]
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def test_uploaded_boundary_and_review_number_appear_on_dashboard(
    new_context: Any, site: str, login: Any, offline: Any
) -> None:
    national = new_context().new_page()
    login(national, "demo-national")
    national.goto(f"{site}/registry/#map")
    chart = national.get_by_test_id("province-map")
    expect(chart).to_have_attribute("data-rendered", "true")
    # Before any upload: the tile grid and no review number.
    expect(national.get_by_test_id("review-number")).to_have_count(0)
    assert chart.evaluate("el => echarts.getInstanceByDom(el).getOption().series[0].type") == "scatter"

    admin = new_context().new_page()
    login(admin, "demo-sysadmin")
    with admin.expect_navigation():
        admin.locator("header nav a", has_text="地图边界").click()
    assert admin.url == f"{site}/regions/map/upload/"
    admin.fill("input[name=review_number]", REVIEW_NUMBER)
    admin.set_input_files(
        "input[name=geojson]",
        files=[
            {"name": "provinces.geojson", "mimeType": "application/geo+json", "buffer": _geojson()},
        ],
    )
    with admin.expect_navigation():
        admin.click("main form button[type=submit]")
    expect(admin.locator("main [role=alert]")).to_have_count(0)
    expect(admin.get_by_test_id("active-boundary")).to_contain_text(REVIEW_NUMBER)
    assert MapBoundary.objects.get(is_active=True).review_number == REVIEW_NUMBER

    national.reload()  # goto() of the same URL with a fragment would not reload the page
    expect(national.get_by_test_id("review-number")).to_contain_text(REVIEW_NUMBER)
    expect(chart).to_have_attribute("data-rendered", "true")
    expect(chart.locator("canvas").first).to_be_attached()
    series = chart.evaluate("el => echarts.getInstanceByDom(el).getOption().series[0]")
    assert series["type"] == "map"
    # The boundary file came from this server, and the browser drew the uploaded features.
    geojson_urls = offline.requested(r"/regions/map/provinces\.geojson$")
    assert geojson_urls and all(url.startswith(site) for url in geojson_urls)
    assert [s for u, s in offline.responses if u in geojson_urls] == [200]
    drawn = national.evaluate("() => echarts.getMap('shidian-provinces').geoJSON.features.map(f => f.properties.name)")
    assert sorted(drawn) == sorted(["广西壮族自治区", "广东省"])
