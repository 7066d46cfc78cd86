from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shidian.core.actors import system
from shidian.core.periods import Period
from shidian.indicators import aggregates, services
from shidian.indicators.models import Indicator, IndicatorValue, PilotTarget, ValueStatus
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


def seed(pilots: list[PilotArea], codes: tuple[str, ...] = ("urban_rate_resident", "resident_population")) -> None:
    """Reported values 2016-2020 and 2020 targets for ``pilots`` (a factory, not the entry flow)."""
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    rows = []
    for n, pilot in enumerate(pilots):
        for year in range(2016, 2021):
            for code, indicator in indicators.items():
                value = (
                    Decimal(50 + n % 7 + (year - 2016) * (0.2 if n % 2 else 1.5))
                    if code != "resident_population"
                    else Decimal(100 + n)
                )
                rows.append(
                    IndicatorValue(
                        pilot=pilot, indicator=indicator, period=str(year), year=year, value=value,
                        status=ValueStatus.ACCEPTED,
                    )
                )  # fmt: skip
        PilotTarget.objects.create(pilot=pilot, indicator=indicators["urban_rate_resident"], target_year=2020,
                                   target_value=Decimal(62))  # fmt: skip
    IndicatorValue.objects.bulk_create(rows)
    aggregates.rebuild()  # written without the services, as the demo loader does


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        reverse("indicators:monitoring") + "?indicator=urban_rate_resident&period=2019",
        reverse("indicators:monitoring") + "?indicator=resident_population&period=2019",
        reverse("indicators:off_track"),
        reverse("indicators:quality"),
    ],
)
def test_monitoring_query_count_does_not_grow_with_areas(client_as: Callable[[str], Client], url: str) -> None:
    pilots = list(PilotArea.objects.order_by("pk"))
    seed(pilots[:10])
    client = client_as("demo-national")
    few = count_queries(client, url)
    seed(pilots[10:60])
    for year in (2018, 2019):
        services.run_quality_checks(period=Period(year), by=system("tests"))
    assert count_queries(client, url) == few


def test_compare_query_count_does_not_grow_with_pilots(client_as: Callable[[str], Client]) -> None:
    pilots = list(PilotArea.objects.order_by("pk")[:8])
    seed(pilots)
    client = client_as("demo-national")
    base = reverse("indicators:compare") + "?indicator=urban_rate_resident"
    two = count_queries(client, base + "".join(f"&pilots={p.pk}" for p in pilots[:2]))
    assert count_queries(client, base + "".join(f"&pilots={p.pk}" for p in pilots)) == two


def test_rollups_are_set_based_and_weighted(user: Callable[[str], Any]) -> None:
    from shidian.indicators import selectors

    pilots = list(PilotArea.objects.filter(province__name="广西壮族自治区").order_by("pk")[:2])
    seed(pilots)
    indicator = Indicator.objects.get(code="urban_rate_resident")
    national = user("demo-national")
    with CaptureQueriesContext(connection) as ctx:
        rollup = selectors.national_rollup(user=national, indicator=indicator, period=Period(2016))
    assert len(ctx.captured_queries) == 1
    # Population-weighted: (50*100 + 51*101) / 201
    assert rollup.value == (Decimal(50 * 100 + 51 * 101) / Decimal(201)).quantize(Decimal("0.01"))
    total = selectors.national_rollup(
        user=national, indicator=Indicator.objects.get(code="resident_population"), period=Period(2016)
    )
    assert total.value == Decimal(201)
    by_province = selectors.province_rollups(user=national, indicator=indicator, period=Period(2016))
    assert by_province[pilots[0].province_id].areas == 2


def test_province_sees_only_its_pilots_in_rankings(client_as: Callable[[str], Client]) -> None:
    guangxi = PilotArea.objects.get(name="柳州市")
    beijing = PilotArea.objects.get(province__name="北京市", name="顺义区")
    seed([guangxi, beijing])
    page = client_as("demo-province").get(reverse("indicators:monitoring") + "?period=2019").content.decode()
    assert "柳州市" in page and "顺义区" not in page
    # The ranking's row: rank, the pilot's monitoring link, the province's short name (rendered in one pass).
    link = reverse("indicators:pilot", kwargs={"pilot_id": guangxi.pk})
    assert f'<tr><td>1</td><td><a href="{link}">柳州市</a></td><td>{guangxi.province.short_name}</td>' in page
    other = client_as("demo-province").get(reverse("indicators:pilot", kwargs={"pilot_id": beijing.pk}))
    assert other.status_code == 404


def test_entry_refuses_out_of_range_naming_the_field(client_as: Callable[[str], Client]) -> None:
    liuzhou = PilotArea.objects.get(name="柳州市")
    url = reverse("indicators:entry", kwargs={"pilot_id": liuzhou.pk, "period": "2018"})
    client = client_as("demo-pilot")
    assert client.get(url).status_code == 200
    response = client.post(url, {"resident_population": "400", "urban_rate_resident": "130", "action": "submit"})
    assert response.status_code == 400
    assert "常住人口城镇化率：130 超出有效范围" in response.content.decode()
    assert not IndicatorValue.objects.filter(pilot=liuzhou).exists()
    response = client.post(url, {"resident_population": "400", "urban_rate_resident": "63", "action": "submit"})
    # Submitting asks first: the values are saved as drafts and a confirm page names the province.
    assert 'data-testid="confirm-step"' in response.content.decode()
    assert "广西壮族自治区发展改革委" in response.content.decode()
    assert IndicatorValue.objects.filter(pilot=liuzhou, status=ValueStatus.DRAFT).count() == 2
    response = client.post(url, {"action": "submit_drafts"})
    assert response.status_code == 302
    assert IndicatorValue.objects.filter(pilot=liuzhou, status=ValueStatus.SUBMITTED).count() == 2
    page = client.get(url).content.decode()
    assert 'data-testid="previous-urban_rate_resident"' in page


def test_province_accepts_in_the_review_page(client_as: Callable[[str], Client], user: Callable[[str], Any]) -> None:
    liuzhou = PilotArea.objects.get(name="柳州市")
    services.save_values(pilot=liuzhou, period=Period(2018), values={"resident_population": "400"}, submit=True,
                         by=user("demo-pilot"))  # fmt: skip
    province = client_as("demo-province")
    assert "柳州市" in province.get(reverse("indicators:reviews")).content.decode()
    url = reverse("indicators:review", kwargs={"pilot_id": liuzhou.pk, "period": "2018"})
    assert 'data-testid="confirm-step"' in province.post(url, {"action": "accept"}).content.decode()
    assert IndicatorValue.objects.get(pilot=liuzhou).status == ValueStatus.SUBMITTED
    assert province.post(url, {"action": "accept", "confirmed": "1"}).status_code == 302
    assert IndicatorValue.objects.get(pilot=liuzhou).status == ValueStatus.ACCEPTED
    # A pilot cannot reach the review page.
    assert client_as("demo-pilot").post(url, {"action": "accept"}).status_code == 404


@pytest.mark.parametrize(
    "name", ["monitoring", "catalogue", "off_track", "compare", "quality", "reviews", "import", "template"]
)
def test_admin_duties_see_no_indicator_pages(client_as: Callable[[str], Client], name: str) -> None:
    assert client_as("demo-auditor").get(reverse(f"indicators:{name}")).status_code == 404


def test_pages_render(client_as: Callable[[str], Client]) -> None:
    liuzhou = PilotArea.objects.get(name="柳州市")
    seed([liuzhou])
    client = client_as("demo-province")
    for url in [
        reverse("indicators:catalogue"),
        reverse("indicators:pilot", kwargs={"pilot_id": liuzhou.pk}),
        reverse("indicators:history", kwargs={"pilot_id": liuzhou.pk}),
        reverse("indicators:import"),
        reverse("indicators:template") + "?period=2018",
        reverse("indicators:compare") + f"?pilots={liuzhou.pk}",
    ]:
        assert client.get(url).status_code == 200, url


def test_reviews_query_count_does_not_grow_with_pilots(
    client_as: Callable[[str], Client], user: Callable[[str], Any]
) -> None:
    national = user("demo-national")
    pilots = list(PilotArea.objects.order_by("pk"))
    rows = []
    indicator = Indicator.objects.get(code="resident_population")
    for n, pilot in enumerate(pilots):
        rows.append(
            IndicatorValue(pilot=pilot, indicator=indicator, period="2019", year=2019, value=Decimal(100 + n),
                           status=ValueStatus.SUBMITTED)
        )  # fmt: skip
    IndicatorValue.objects.bulk_create(rows[:5])
    client = client_as(national.username)
    few = count_queries(client, reverse("indicators:reviews"))
    IndicatorValue.objects.bulk_create(rows[5:40])
    assert count_queries(client, reverse("indicators:reviews")) == few


def test_province_returns_values_with_a_reason(client_as: Callable[[str], Client], user: Callable[[str], Any]) -> None:
    liuzhou = PilotArea.objects.get(name="柳州市")
    services.save_values(pilot=liuzhou, period=Period(2018), values={"resident_population": "400"}, submit=True,
                         by=user("demo-pilot"))  # fmt: skip
    url = reverse("indicators:review", kwargs={"pilot_id": liuzhou.pk, "period": "2018"})
    province = client_as("demo-province")
    assert province.post(url, {"action": "return", "reason": ""}).status_code == 200  # a reason is required
    assert IndicatorValue.objects.get(pilot=liuzhou).status == ValueStatus.SUBMITTED
    confirm = province.post(url, {"action": "return", "reason": "人口数与统计公报不一致"}).content.decode()
    assert 'data-testid="confirm-step"' in confirm and 'value="人口数与统计公报不一致"' in confirm
    assert IndicatorValue.objects.get(pilot=liuzhou).status == ValueStatus.SUBMITTED
    confirmed = {"action": "return", "reason": "人口数与统计公报不一致", "confirmed": "1"}
    assert province.post(url, confirmed).status_code == 302
    assert IndicatorValue.objects.get(pilot=liuzhou).status == ValueStatus.DRAFT


def test_quality_checks_and_follow_up_through_the_pages(
    client_as: Callable[[str], Client], user: Callable[[str], Any]
) -> None:
    from shidian.indicators.models import DataQualityIssue

    liuzhou = PilotArea.objects.get(name="柳州市")
    values = {"hukou_population": "100", "hukou_urban_population": "80", "urban_rate_resident": "60"}
    services.save_values(pilot=liuzhou, period=Period(2018), values=values, submit=True, by=user("demo-pilot"))
    assert client_as("demo-pilot").post(reverse("indicators:quality"), {"period": "2018"}).status_code == 404
    province = client_as("demo-province")
    assert province.post(reverse("indicators:quality"), {"period": "2018"}).status_code == 302
    issue = DataQualityIssue.objects.get(pilot=liuzhou)
    assert "户籍人口城镇化率" in province.get(reverse("indicators:quality")).content.decode()
    url = reverse("indicators:follow_up", kwargs={"issue_id": issue.pk})
    assert province.post(url, {"status": "following", "note": "已通知柳州市核实"}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == "following" and "已通知柳州市核实" in issue.follow_up


def test_import_pages(client_as: Callable[[str], Client]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as("demo-pilot")
    bad = SimpleUploadedFile("v.csv", "省级单位,试点地区,指标代码,期间,数值\n广西壮族自治区,柳州市,x,2018,1\n".encode())
    response = client.post(reverse("indicators:import"), {"file": bad, "mode": "all"})
    assert response.status_code == 302
    job_page = client.get(response["Location"]).content.decode()
    assert "未知的指标代码" in job_page and "未写入任何数据" in job_page
    png = SimpleUploadedFile("v.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00")
    response = client.post(reverse("indicators:import"), {"file": png, "mode": "all"})
    assert response.status_code == 400 and "类型不允许" in response.content.decode()
    from shidian.indicators.models import ImportJob

    job = ImportJob.objects.get()
    fragment = client.get(reverse("indicators:import_progress", kwargs={"job_id": job.pk})).content.decode()
    assert 'data-state="rejected"' in fragment and "hx-get" not in fragment  # finished jobs stop polling
    # The uploader's province sees the job too (the URL walk proves other provinces get 404).
    assert (
        client_as("demo-province").get(reverse("indicators:import_job", kwargs={"job_id": job.pk})).status_code == 200
    )


def test_targets_page(client_as: Callable[[str], Client]) -> None:
    liuzhou = PilotArea.objects.select_related("batch").get(name="柳州市")
    stage = services.stage_year(liuzhou)
    url = reverse("indicators:targets", kwargs={"pilot_id": liuzhou.pk})
    pilot = client_as("demo-pilot")
    assert pilot.get(url).status_code == 200
    response = pilot.post(url, {f"urban_rate_resident_{stage}": "58", "urban_rate_resident_2020": "130"})
    assert response.status_code == 400
    assert "常住人口城镇化率：130 超出有效范围" in response.content.decode()
    assert not PilotTarget.objects.filter(pilot=liuzhou).exists()
    response = pilot.post(
        url, {f"urban_rate_resident_{stage}": "58", "urban_rate_resident_2020": "62", "source": "方案"}
    )
    assert response.status_code == 302
    assert dict(PilotTarget.objects.filter(pilot=liuzhou).values_list("target_year", "target_value")) == {
        stage: Decimal(58),
        2020: Decimal(62),
    }
    assert 'value="62"' in pilot.get(url).content.decode()
    # A blank removes a target; the ministry reads but cannot change.
    assert pilot.post(url, {"urban_rate_resident_2020": ""}).status_code == 302
    assert list(PilotTarget.objects.filter(pilot=liuzhou).values_list("target_year", flat=True)) == [stage]
    assert client_as("demo-ministry").post(url, {"urban_rate_resident_2020": "70"}).status_code == 404
    assert '<input name="urban_rate_resident_2020"' not in client_as("demo-ministry").get(url).content.decode()


def test_monitoring_map_uses_the_approved_boundary_when_uploaded(
    client_as: Callable[[str], Client], user: Callable[[str], Any]
) -> None:
    import json

    from django.core.files.base import ContentFile

    from shidian.regions.models import MapBoundary

    seed([PilotArea.objects.get(name="柳州市")])
    url = reverse("indicators:monitoring") + "?indicator=urban_rate_resident&period=2019"
    client = client_as("demo-national")

    def option(page: str) -> dict[str, Any]:
        start = page.index('<script id="indicator-map" type="application/json">') + len(
            '<script id="indicator-map" type="application/json">'
        )
        return dict(json.loads(page[start : page.index("</script>", start)]))

    tiles = option(client.get(url).content.decode())
    assert tiles["series"][0]["type"] == "scatter"
    MapBoundary.objects.create(
        review_number="GS(2099)0001号", geojson=ContentFile(b"{}", name="p.geojson"), uploaded_by=user("demo-sysadmin")
    )
    page = client.get(url).content.decode()
    boundary = option(page)
    assert boundary["series"][0]["type"] == "map"
    assert boundary["series"][0]["data"] == [{"name": "广西壮族自治区", "value": 54.5}]  # 50 + 3 years x 1.5
    assert "GS(2099)0001号" in page


def test_monitoring_opens_on_the_latest_year_ended_by_the_business_date(client_as: Callable[[str], Client]) -> None:
    import datetime as dt

    from shidian.core import clock

    client = client_as("demo-province")
    with clock.travel_to(dt.date(2019, 7, 8)):  # 2019 has not ended: its year values do not exist yet
        page = client.get(reverse("indicators:monitoring")).content.decode()
    assert '<option value="2018" selected>' in page
    with clock.travel_to(dt.date(2021, 3, 1)):
        page = client.get(reverse("indicators:monitoring")).content.decode()
    assert '<option value="2020" selected>' in page
