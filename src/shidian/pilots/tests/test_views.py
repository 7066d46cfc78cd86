"""Registry pages: what each user sees, query counts that do not grow with rows, the import UI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shidian.core import listing
from shidian.core.actors import system
from shidian.pilots.models import Batch, PilotArea, PilotStatus, RegistryImport
from shidian.regions.models import Province


def add_pilots(n: int, province_name: str = "广西壮族自治区") -> None:
    province = Province.objects.get(name=province_name)
    batch = Batch.objects.get(number=3)
    PilotArea.objects.bulk_create(
        PilotArea(batch=batch, province=province, name=f"测试镇{i}", kind="建制镇", verification="sourced")
        for i in range(n)
    )


@pytest.mark.django_db
class TestQueryCounts:
    @pytest.mark.parametrize(
        "url", ["/", "/registry/", "/pilots/", "/pilots/?region=west&q=市", "/registry/completeness/"]
    )
    def test_constant_in_number_of_pilots(self, client_as: Callable[[str], Client], url: str) -> None:
        client = client_as("demo-national")
        client.get(url)  # warm the session
        counts = []
        for province in ["广西壮族自治区", "北京市"]:
            add_pilots(40, province)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        # The workbench is the largest: one query or two per section (exchange and experiences included), and
        # one for the data generation it keeps its sections under (core/generation.py; every add_pilots moves it).
        assert counts[0] == counts[1] <= 18, counts

    def test_pilot_page(
        self, client_as: Callable[[str], Client], django_assert_max_num_queries: Callable[..., Any]
    ) -> None:
        client = client_as("demo-national")
        pilot = PilotArea.objects.get(name="蓟县")
        with django_assert_max_num_queries(10):
            response = client.get(reverse("pilots:detail", kwargs={"pilot_id": pilot.pk}))
        assert response.status_code == 200


@pytest.mark.django_db
class TestWhatUsersSee:
    def test_a_row_shows_the_pilot_its_division_and_badges(self, client_as: Callable[[str], Client]) -> None:
        """The list's cells (rendered in one pass): link, batch, province, region, kind, the current division
        with the listed name it replaced, and the verification and status badges in their labels."""
        from shidian.core import formatting

        pilot = PilotArea.objects.select_related("division", "listed_division", "province", "batch").get(name="蓟县")
        html = client_as("demo-national").get("/pilots/", {"q": "蓟县"}).content.decode()
        url = reverse("pilots:detail", kwargs={"pilot_id": pilot.pk})
        assert f'<td><a href="{url}">蓟县</a></td><td>{pilot.batch}</td><td>{pilot.province.name}</td>' in html
        assert pilot.was_renamed  # 蓟县 became 天津市蓟州区 (2016)
        if pilot.division and pilot.listed_division:
            assert f"{pilot.division.name} <small>（原{pilot.listed_division.name}）</small>" in html
        verification = formatting.choice_label(pilot, "verification")
        assert f'<span class="badge v-{pilot.verification}">{verification}</span>' in html
        assert f'<span class="badge s-{pilot.status}">{formatting.choice_label(pilot, "status")}</span>' in html
        empty = client_as("demo-national").get("/pilots/", {"q": "没有这个试点"}).content.decode()
        assert '<tr><td colspan="8">没有符合条件的试点。</td></tr>' in empty

    def test_province_list_shows_only_its_pilots(self, client_as: Callable[[str], Client]) -> None:
        response = client_as("demo-province").get("/pilots/")
        names = {p.name for p in response.context["page"]}
        expected = set(PilotArea.objects.filter(province__name="广西壮族自治区").values_list("name", flat=True))
        assert names == expected and "顺义区" not in response.content.decode()

    def test_filters_combine(self, client_as: Callable[[str], Client]) -> None:
        response = client_as("demo-national").get("/pilots/", {"batch": "3", "kind": "建制镇", "region": "west"})
        names = {p.name for p in response.context["page"]}
        expected = set(
            PilotArea.objects.filter(batch__number=3, kind="建制镇", province__region="west").values_list(
                "name", flat=True
            )
        )
        assert names == expected and len(names) >= 3

    def test_verified_filter_and_text_search(self, client_as: Callable[[str], Client]) -> None:
        client = client_as("demo-national")
        verified = client.get("/pilots/", {"verification": "verified", "province": "63"}).context["page"]
        assert {p.verification for p in verified} == {"sourced"}
        found = client.get("/pilots/", {"q": "蓟州"}).context["page"]
        assert [p.name for p in found] == ["蓟县"]  # found through today's division name

    def test_pagination(self, client_as: Callable[[str], Client]) -> None:
        client = client_as("demo-national")
        first = client.get("/pilots/")
        assert first.context["page"].paginator.count == PilotArea.objects.count()
        assert len(first.context["page"]) == listing.PAGE_SIZE
        last = client.get("/pilots/", {"page": first.context["page"].paginator.num_pages})
        before_last = listing.PAGE_SIZE * (last.context["page"].number - 1)
        assert len(last.context["page"]) == PilotArea.objects.count() - before_last

    def test_htmx_request_renders_only_rows(self, client_as: Callable[[str], Client]) -> None:
        response = client_as("demo-national").get("/pilots/", {"batch": 2}, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert "<html" not in body and 'data-testid="pilot-row"' in body

    def test_renamed_pilot_keeps_its_listed_name_and_links_today(self, client_as: Callable[[str], Client]) -> None:
        pilot = PilotArea.objects.get(name="榆林市神木县")
        body = client_as("demo-national").get(reverse("pilots:detail", kwargs={"pilot_id": pilot.pk})).content.decode()
        assert "榆林市神木县" in body and "神木市（610881" in body and "列入时为 神木县（610821）" in body

    def test_dashboard_counts_are_the_users_scope(self, client_as: Callable[[str], Client]) -> None:
        data = client_as("demo-province").get(reverse("pilots:dashboard")).context["data"]
        guangxi = PilotArea.objects.filter(province__name="广西壮族自治区").count()
        assert data.total == guangxi
        assert sum(n for _p, n in data.by_province) == guangxi
        assert [p.name for p, n in data.by_province if n] == ["广西壮族自治区"]
        assert sum(n for _label, n in data.by_region) == guangxi

    def test_dashboard_tile_grid_without_boundary(self, client_as: Callable[[str], Client]) -> None:
        response = client_as("demo-national").get(reverse("pilots:dashboard"))
        option = response.context["charts"]["map"]
        cells = {(d["value"][0], d["value"][1]) for d in option["series"][0]["data"]}
        assert len(cells) == Province.objects.count() == 32  # one square per unit, none overlapping
        assert option["series"][0]["type"] == "scatter"  # squares, not a map that would need a 审图号
        body = response.content.decode()
        assert 'data-testid="review-number"' not in body and "data-geojson" not in body

    def test_completeness_shows_declared_loaded_verified(self, client_as: Callable[[str], Client]) -> None:
        rows = client_as("demo-national").get("/registry/completeness/").context["rows"]
        batch3 = next(r for r in rows if r.batch.number == 3)
        assert batch3.batch.declared_areas == 111
        assert batch3.loaded == PilotArea.objects.filter(batch__number=3).count() == 37
        assert (
            batch3.verified
            == PilotArea.objects.filter(batch__number=3, verification__in=["official", "sourced"]).count()
        )
        assert batch3.missing == 111 - 37
        assert sum(r.loaded for r in rows) == 114  # 2 provinces + 46 + 29 + 37, with 独山县 from the shared data


@pytest.mark.django_db
class TestImportPage:
    def upload(self, client: Client, content: bytes, name: str = "annex.csv") -> object:
        return client.post("/registry/import/", {"file": SimpleUploadedFile(name, content)})

    def test_preview_then_confirm(self, client_as: Callable[[str], Client]) -> None:
        client = client_as("demo-national")
        content = (
            "batch,province,name,level,verification,source_note\n3,广西壮族自治区,新试点镇,建制镇,official,附件1\n"
        )
        response = self.upload(client, content.encode())
        assert response.status_code == 200  # type: ignore[attr-defined]
        assert response.context["plan"].summary == {"create": 1, "update": 0, "unchanged": 0}  # type: ignore[attr-defined]
        assert not PilotArea.objects.filter(name="新试点镇").exists()  # preview writes no pilot
        record = RegistryImport.objects.get()
        confirmed = client.post(reverse("pilots:import_confirm", kwargs={"import_id": record.pk}))
        assert confirmed.status_code == 302
        assert PilotArea.objects.filter(name="新试点镇").exists()
        again = client.post(reverse("pilots:import_confirm", kwargs={"import_id": record.pk}), follow=True)
        assert "已处理" in again.content.decode()
        assert PilotArea.objects.filter(name="新试点镇").count() == 1

    def test_errors_are_shown_in_chinese_and_nothing_is_kept(self, client_as: Callable[[str], Client]) -> None:
        client = client_as("demo-national")
        response = self.upload(
            client, "batch,province,name,level,verification,source_note\n5,广西壮族自治区,某地,县,sourced,x\n".encode()
        )
        body = response.content.decode()  # type: ignore[attr-defined]
        assert "第 2 行，“batch（批次）”列：批次必须是 1、2 或 3" in body
        assert not RegistryImport.objects.exists()

    def test_only_national_admin_may_import(self, client_as: Callable[[str], Client]) -> None:
        for username in ["demo-province", "demo-ministry", "demo-sysadmin"]:
            assert client_as(username).get("/registry/import/").status_code == 404


@pytest.mark.django_db
class TestStatusChanges:
    def change(self, client: Client, pilot: PilotArea, to: str, reason: str = "年度评估结果") -> None:
        client.post(
            reverse("pilots:change_status", kwargs={"pilot_id": pilot.pk}),
            {"to": to, "effective_on": "2019-03-01", "reason": reason, "document_number": ""},
        )

    def test_warn_lift_and_eliminate_keep_dated_history(self, client_as: Callable[[str], Client]) -> None:
        client = client_as("demo-national")
        pilot = PilotArea.objects.get(name="来宾市")
        for to in [PilotStatus.WARNED, PilotStatus.ACTIVE, PilotStatus.WARNED, PilotStatus.ELIMINATED]:
            self.change(client, pilot, to)
        pilot.refresh_from_db()
        assert pilot.status == PilotStatus.ELIMINATED
        history = list(pilot.status_changes.values_list("to_status", "effective_on"))
        assert [h[0] for h in history] == ["active", "warned", "active", "warned", "eliminated"]
        assert history[-1][1] == dt.date(2019, 3, 1)

    def test_refused_moves_change_nothing(self, client_as: Callable[[str], Client]) -> None:
        client = client_as("demo-national")
        pilot = PilotArea.objects.get(name="来宾市")
        self.change(client, pilot, PilotStatus.COMPLETED)
        response = client.post(
            reverse("pilots:change_status", kwargs={"pilot_id": pilot.pk}),
            {"to": "warned", "effective_on": "2019-03-01", "reason": "x"},
            follow=True,
        )
        assert "不能从“已完成”变为“已警示”" in response.content.decode()
        self.change(client, PilotArea.objects.get(name="柳州市"), PilotStatus.WARNED, reason="  ")
        assert PilotArea.objects.get(name="柳州市").status == PilotStatus.ACTIVE
        assert PilotArea.objects.get(name="来宾市").status_changes.count() == 2

    def test_province_cannot_change_status(self, client_as: Callable[[str], Client]) -> None:
        pilot = PilotArea.objects.get(name="柳州市")
        response = client_as("demo-province").post(
            reverse("pilots:change_status", kwargs={"pilot_id": pilot.pk}),
            {"to": "warned", "effective_on": "2019-03-01", "reason": "x"},
        )
        assert response.status_code == 404
        assert PilotArea.objects.get(pk=pilot.pk).status == PilotStatus.ACTIVE


@pytest.mark.django_db
class TestReviewFindings:
    CONTENT = (
        "batch,province,name,level,verification,source_note\n1,广西壮族自治区,柳州市,地级市,official,附件\n".encode()
    )

    def preview(self, username: str = "demo-national") -> RegistryImport:
        from shidian.accounts.models import User
        from shidian.pilots import services

        record, _plan = services.preview_registry_upload(
            content=self.CONTENT, file_name="a.csv", by=User.objects.get(username=username)
        )
        return record

    def test_another_national_admin_cannot_confirm_my_upload(self, client_as: Callable[[str], Client]) -> None:
        from shidian.accounts import services as account_services
        from shidian.accounts.models import User

        national = User.objects.get(username="demo-national")
        assert national.organisation is not None
        account_services.create_user(
            username="second-national",
            password="Second#Pass2026",
            role="national_admin",
            organisation=national.organisation,
            by=system("tests"),
            password_is_temporary=False,
        )
        record = self.preview()
        response = client_as("second-national").post(reverse("pilots:import_confirm", kwargs={"import_id": record.pk}))
        assert response.status_code == 404
        assert PilotArea.objects.get(name="柳州市").verification == "sourced"

    def test_a_preview_overtaken_by_another_import_is_refused(self, client_as: Callable[[str], Client]) -> None:
        from shidian.pilots import services

        record = self.preview()
        other = "batch,province,name,level,verification,source_note\n1,广西壮族自治区,柳州市,地级市,sourced,更正\n"
        services.apply_registry_import(content=other.encode(), file_name="b.csv", by=system("tests"))
        response = client_as("demo-national").post(
            reverse("pilots:import_confirm", kwargs={"import_id": record.pk}), follow=True
        )
        assert "名录在预览后已有变化" in response.content.decode()
        assert PilotArea.objects.get(name="柳州市").source_note == "更正"

    def test_an_old_preview_expires(self, client_as: Callable[[str], Client]) -> None:
        record = self.preview()
        RegistryImport.objects.filter(pk=record.pk).update(uploaded_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        response = client_as("demo-national").post(
            reverse("pilots:import_confirm", kwargs={"import_id": record.pk}), follow=True
        )
        assert "请重新上传并预览" in response.content.decode()
        assert PilotArea.objects.get(name="柳州市").verification == "sourced"

    @pytest.mark.parametrize(
        ("date", "message"), [("2001-01-01", "不能早于上一次状态变更"), ("2099-01-01", "不能晚于今天")]
    )
    def test_status_dates_must_follow_the_history(
        self, client_as: Callable[[str], Client], date: str, message: str
    ) -> None:
        pilot = PilotArea.objects.get(name="来宾市")
        response = client_as("demo-national").post(
            reverse("pilots:change_status", kwargs={"pilot_id": pilot.pk}),
            {"to": "warned", "effective_on": date, "reason": "评估"},
            follow=True,
        )
        assert message in response.content.decode()
        assert PilotArea.objects.get(pk=pilot.pk).status == PilotStatus.ACTIVE

    def test_an_invalid_filter_is_reported_not_dropped_with_the_others(
        self, client_as: Callable[[str], Client]
    ) -> None:
        response = client_as("demo-national").get("/pilots/", {"batch": "abc", "province": "45"})
        names = {p.province.name for p in response.context["page"]}
        assert names == {"广西壮族自治区"}
        assert "批次：" in response.content.decode()

    def test_completeness_counts_only_what_the_user_may_see(self, client_as: Callable[[str], Client]) -> None:
        rows = client_as("demo-pilot").get("/registry/completeness/").context["rows"]
        assert sum(r.loaded for r in rows) == 1  # 柳州市 only
        body = client_as("demo-pilot").get("/registry/completeness/").content.decode()
        assert "尚缺" not in body

    def test_list_queries_do_not_grow_with_rows_on_a_growing_page(self, client_as: Callable[[str], Client]) -> None:
        client = client_as("demo-national")
        client.get("/pilots/?province=46")
        counts: list[tuple[int, int]] = []
        for _ in range(2):
            add_pilots(8, "海南省") if not counts else PilotArea.objects.bulk_create(
                PilotArea(
                    batch=Batch.objects.get(number=2),
                    province=Province.objects.get(name="海南省"),
                    name=f"另一测试镇{i}",
                    kind="建制镇",
                    verification="sourced",
                )
                for i in range(8)
            )
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/pilots/?province=46")
            counts.append((len(queries), len(response.context["page"])))
        assert counts[0][1] < counts[1][1] <= listing.PAGE_SIZE  # the page really grew
        assert counts[0][0] == counts[1][0]
