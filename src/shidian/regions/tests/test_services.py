"""Divisions with history, name resolution for pilots, and the approved-map upload."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shidian.accounts.models import User
from shidian.core.errors import DomainError
from shidian.core.models import AuditEvent
from shidian.pilots.models import PilotArea
from shidian.regions import services
from shidian.regions.models import Division, MapBoundary, Province


@pytest.mark.django_db
class TestDivisions:
    def test_every_province_level_unit_has_a_region_class(self) -> None:
        assert Province.objects.count() == 32
        assert set(Province.objects.values_list("region", flat=True)) == {"east", "central", "west", "northeast"}
        assert Province.objects.get(name="广西壮族自治区").region == "west"
        assert Province.objects.get(name="辽宁省").region == "northeast"
        assert not Province.objects.get(code="66").is_division

    def test_counties_have_codes_and_parents(self) -> None:
        county = Division.objects.current().get(name="交城县")
        assert county.code == "141122" and county.level == "county"
        assert county.parent is not None and county.parent.name == "吕梁市" and county.parent.code == "141100"
        assert Division.objects.current().filter(level="county").count() > 2800

    @pytest.mark.parametrize(
        ("old", "new", "year"),
        [
            ("蓟县", "蓟州区", 2016),
            ("神木县", "神木市", 2017),
            ("荔浦县", "荔浦市", 2018),
            ("长垣县", "长垣市", 2019),
            ("横县", "横州市", 2021),
        ],
    )
    def test_renames_keep_the_old_division_with_dates(self, old: str, new: str, year: int) -> None:
        retired = Division.objects.get(name=old)
        assert not retired.is_current and retired.valid_until is not None and retired.valid_until.year == year
        assert retired.current_successor().name == new and retired.current_successor().is_current

    def test_reloading_divisions_creates_no_duplicates(self) -> None:
        before = Division.objects.count()
        services.load_divisions()
        assert Division.objects.count() == before


@pytest.mark.django_db
class TestResolution:
    @pytest.mark.parametrize(
        ("province", "name", "kind", "expected"),
        [
            ("山西省", "吕梁市交城县", "县", "交城县"),
            ("青海省", "海北藏族自治州门源回族自治县", "县", "门源回族自治县"),
            ("陕西省", "宝鸡市岐山县蔡家坡镇", "建制镇", "岐山县"),
            ("山东省", "临沂市兰山区义堂镇", "建制镇", "兰山区"),
            ("广东省", "东莞市", "地级市", "东莞市"),
            ("吉林省", "吉林市", "地级市", "吉林市"),
            ("天津市", "蓟县", "县", "蓟县"),
        ],
    )
    def test_listed_names_resolve(self, province: str, name: str, kind: str, expected: str) -> None:
        division = services.resolve_division(province=Province.objects.get(name=province), listed_name=name, kind=kind)
        assert division is not None and division.name == expected

    @pytest.mark.parametrize(
        ("province", "name", "kind"),
        [
            ("重庆市", "重庆市主城九区", "区"),  # a group of districts, not a division
            ("广西壮族自治区", "六景镇", "建制镇"),  # the county is not in the name
            ("山西省", "太原市交城县", "县"),  # a prefix that is not the parent must not match
            ("江苏省", "江苏省", "省"),
        ],
    )
    def test_unresolvable_names_stay_unlinked(self, province: str, name: str, kind: str) -> None:
        assert (
            services.resolve_division(province=Province.objects.get(name=province), listed_name=name, kind=kind) is None
        )

    def test_registry_pilot_links_todays_division_and_keeps_listed_name(self) -> None:
        pilot = PilotArea.objects.get(name="蓟县")
        assert pilot.division is not None and pilot.division.name == "蓟州区"
        assert pilot.listed_division is not None and pilot.listed_division.name == "蓟县"
        assert pilot.was_renamed


def geojson(*names: str) -> bytes:
    features = [
        {
            "type": "Feature",
            "properties": {"name": n},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        }
        for n in names
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


@pytest.mark.django_db
class TestMapBoundary:
    def test_upload_activates_and_replaces(self, user: Callable[[str], User]) -> None:
        admin = user("demo-sysadmin")
        first = services.upload_map_boundary(
            upload=SimpleUploadedFile("a.geojson", geojson("广西壮族自治区")), review_number="GS(2026)0001号", by=admin
        )
        second = services.upload_map_boundary(
            upload=SimpleUploadedFile("b.geojson", geojson("广东省")), review_number="GS(2026)0002号", by=admin
        )
        assert list(MapBoundary.objects.filter(is_active=True)) == [second]
        first.refresh_from_db()
        assert not first.is_active
        assert AuditEvent.objects.filter(action="regions.map.uploaded").count() == 2

    @pytest.mark.parametrize(
        ("content", "number", "message"),
        [
            (geojson("广西壮族自治区"), "  ", "审图号"),
            (b"not json", "GS(2026)1号", "不是有效的 GeoJSON"),
            (json.dumps({"type": "Feature"}).encode(), "GS(2026)1号", "FeatureCollection"),
            (geojson("Atlantis"), "GS(2026)1号", "没有与省级单位名称一致"),
        ],
    )
    def test_bad_uploads_are_refused_and_change_nothing(
        self, user: Callable[[str], User], content: bytes, number: str, message: str
    ) -> None:
        with pytest.raises(DomainError, match=message):
            services.upload_map_boundary(
                upload=SimpleUploadedFile("x.geojson", content), review_number=number, by=user("demo-sysadmin")
            )
        assert not MapBoundary.objects.exists()

    def test_only_the_system_admin_may_upload(self, client_as: Callable[..., object]) -> None:
        for username in ["demo-national", "demo-secadmin", "demo-auditor"]:
            assert client_as(username).get("/regions/map/upload/").status_code == 404  # type: ignore[attr-defined]
        assert client_as("demo-sysadmin").get("/regions/map/upload/").status_code == 200  # type: ignore[attr-defined]

    def test_geojson_endpoint_is_404_without_boundary(self, client_as: Callable[..., object]) -> None:
        assert client_as("demo-national").get("/regions/map/provinces.geojson").status_code == 404  # type: ignore[attr-defined]
