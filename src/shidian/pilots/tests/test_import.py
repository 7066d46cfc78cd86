"""Registry import: every bad input yields Chinese errors naming row and column and writes nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from openpyxl import Workbook

from shidian.core.actors import system
from shidian.core.errors import DomainError, ImportRejected
from shidian.core.models import AuditEvent
from shidian.pilots import registry_import, services
from shidian.pilots.models import PilotArea, PilotStatus

HEADER = "batch,province,name,level,verification,source_note\n"
GOOD_ROW = "3,广西壮族自治区,测试镇,建制镇,official,测试来源\n"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(rows)).encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "名录"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rejected(content: bytes) -> list[str]:
    before = (PilotArea.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ImportRejected) as excinfo:
        services.apply_registry_import(content=content, file_name="bad.csv", by=system("tests"))
    assert (PilotArea.objects.count(), AuditEvent.objects.count()) == before, "a rejected import wrote something"
    return [str(e) for e in excinfo.value.errors]


@pytest.mark.django_db
class TestBadInput:
    def test_unknown_province_names_row_and_column(self) -> None:
        errors = rejected(csv_bytes(GOOD_ROW, "3,火星省,某市,地级市,sourced,x\n"))
        assert errors == ["第 3 行，“province（省份）”列：未知的省份“火星省”。"]

    def test_unknown_kind(self) -> None:
        errors = rejected(csv_bytes("3,广西壮族自治区,某地,乡,sourced,x\n"))
        assert len(errors) == 1
        assert errors[0].startswith("第 2 行，“level（类型）”列：未知的类型“乡”")

    @pytest.mark.parametrize("batch", ["0", "4", "二", ""])
    def test_batch_not_1_to_3(self, batch: str) -> None:
        errors = rejected(csv_bytes(f"{batch},广西壮族自治区,某地,县,sourced,x\n"))
        assert errors == [f"第 2 行，“batch（批次）”列：批次必须是 1、2 或 3，实际为“{batch}”。"]

    def test_duplicate_row(self) -> None:
        errors = rejected(csv_bytes(GOOD_ROW, GOOD_ROW))
        assert errors == ["第 3 行，“name（名称）”列：与第 2 行重复（同一批次、省份和名称）。"]

    def test_missing_column(self) -> None:
        errors = rejected(csv_bytes("3,广西壮族自治区,某地,县,x\n", header="batch,province,name,level,source_note\n"))
        assert errors == ["第 1 行，“verification（核实程度）”列：缺少必需的列。"]

    def test_unknown_verification(self) -> None:
        errors = rejected(csv_bytes("3,广西壮族自治区,某地,县,maybe,x\n"))
        assert "“verification（核实程度）”列" in errors[0]

    def test_every_error_is_listed_not_just_the_first(self) -> None:
        before = PilotArea.objects.count()
        with pytest.raises(ImportRejected) as excinfo:
            services.apply_registry_import(
                content=csv_bytes("9,火星省,某地,乡,maybe,x\n", GOOD_ROW, "3,广西壮族自治区,,县,sourced,x\n"),
                file_name="bad.csv",
                by=system("tests"),
            )
        located = [(e.row, e.column) for e in excinfo.value.errors]
        assert located == [
            (2, "batch（批次）"),
            (2, "province（省份）"),
            (2, "level（类型）"),
            (2, "verification（核实程度）"),
            (4, "name（名称）"),
        ]
        assert PilotArea.objects.count() == before  # the valid row 3 was not written either

    def test_not_a_table(self) -> None:
        png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
        with pytest.raises(DomainError, match="类型不允许"):
            services.apply_registry_import(content=png, file_name="pilots.csv", by=system("tests"))

    def test_zip_that_is_not_a_workbook(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hi")
        with pytest.raises(DomainError, match="类型不允许"):
            services.apply_registry_import(content=buffer.getvalue(), file_name="pilots.xlsx", by=system("tests"))

    def test_zip_bomb_is_refused_before_parsing(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/worksheets/sheet1.xml", "0" * (60 * 1024 * 1024))
        with pytest.raises(DomainError, match="压缩炸弹"):
            services.apply_registry_import(content=buffer.getvalue(), file_name="bomb.xlsx", by=system("tests"))

    @override_settings(REGISTRY_IMPORT_MAX_BYTES=100)
    def test_too_large(self) -> None:
        with pytest.raises(DomainError, match="文件过大"):
            services.apply_registry_import(
                content=csv_bytes(GOOD_ROW, GOOD_ROW), file_name="big.csv", by=system("tests")
            )

    def test_xlsx_errors_name_the_sheet(self) -> None:
        content = xlsx_bytes(
            [
                ["batch", "province", "name", "level", "verification", "source_note"],
                [3, "广西壮族自治区", "某地", "乡", "sourced", "x"],
            ]
        )
        errors = rejected(content)
        assert errors == [errors[0]] and errors[0].startswith("工作表“名录”，第 2 行，“level（类型）”列")


@pytest.mark.django_db
class TestGoodInput:
    def test_creates_pilot_with_history_and_organisations(self) -> None:
        plan = services.apply_registry_import(content=csv_bytes(GOOD_ROW), file_name="ok.csv", by=system("tests"))
        assert plan.summary == {"create": 1, "update": 0, "unchanged": 0}
        pilot = PilotArea.objects.get(name="测试镇")
        assert pilot.status == PilotStatus.ACTIVE
        assert [c.to_status for c in pilot.status_changes.all()] == [PilotStatus.ACTIVE]
        assert {o.kind for o in pilot.organisations.all()} == {"pilot_government", "pilot_office"}
        assert AuditEvent.objects.filter(action="pilots.pilot.created", object_id=str(pilot.pk)).exists()

    def test_import_is_idempotent(self) -> None:
        services.apply_registry_import(content=csv_bytes(GOOD_ROW), file_name="ok.csv", by=system("tests"))
        count = PilotArea.objects.count()
        plan = services.apply_registry_import(content=csv_bytes(GOOD_ROW), file_name="ok.csv", by=system("tests"))
        assert plan.summary == {"create": 0, "update": 0, "unchanged": 1}
        assert PilotArea.objects.count() == count

    def test_the_shipped_registry_reimports_unchanged(self) -> None:
        content = Path("data/reference/pilots.csv").read_bytes()
        plan = services.apply_registry_import(content=content, file_name="pilots.csv", by=system("tests"))
        assert plan.summary["create"] == 0 and plan.summary["update"] == 0
        assert plan.summary["unchanged"] == PilotArea.objects.count() == 114

    def test_update_changes_fields_and_audits_before_after(self) -> None:
        row = "1,广西壮族自治区,来宾市,地级市,official,官方附件\n"
        plan = services.apply_registry_import(content=csv_bytes(row), file_name="annex.csv", by=system("tests"))
        assert plan.summary == {"create": 0, "update": 1, "unchanged": 0}
        pilot = PilotArea.objects.get(name="来宾市")
        assert pilot.verification == "official"
        event = AuditEvent.objects.filter(action="pilots.pilot.updated", object_id=str(pilot.pk)).get()
        assert event.changes["verification"] == ["sourced", "official"]

    def test_xlsx_import(self) -> None:
        content = xlsx_bytes(
            [
                ["batch", "province", "name", "level", "verification", "source_note"],
                [3, "广西壮族自治区", "测试县", "县", "official", "附件1"],
            ]
        )
        plan = services.apply_registry_import(content=content, file_name="annex.xlsx", by=system("tests"))
        assert plan.summary["create"] == 1
        assert PilotArea.objects.filter(name="测试县", batch__number=3).exists()

    def test_gb18030_csv_is_read(self) -> None:
        content = (HEADER + GOOD_ROW).encode("gb18030")
        plan = services.apply_registry_import(content=content, file_name="gbk.csv", by=system("tests"))
        assert plan.summary["create"] == 1

    def test_division_code_links_a_town_to_its_county(self) -> None:
        row = "3,广西壮族自治区,六景镇,建制镇,sourced,town of 横县\n"
        header = "batch,province,name,level,verification,source_note,division_code\n"
        services.apply_registry_import(
            content=(header + row.rstrip("\n") + ",450127\n").encode(), file_name="x.csv", by=system("tests")
        )
        pilot = PilotArea.objects.get(name="六景镇")
        assert pilot.listed_division is not None and pilot.listed_division.name == "横县"
        assert pilot.division is not None and pilot.division.name == "横州市"

    def test_division_code_of_another_province_is_refused(self) -> None:
        header = "batch,province,name,level,verification,source_note,division_code\n"
        errors = rejected((header + "3,广西壮族自治区,某镇,建制镇,sourced,x,110113\n").encode())
        assert errors == ["第 2 行，“division_code（区划代码）”列：区划代码“110113”不属于广西壮族自治区。"]


@pytest.mark.django_db
class TestCommand:
    def test_command_reports_errors_and_writes_nothing(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.csv"
        path.write_bytes(csv_bytes("3,火星省,某市,地级市,sourced,x\n"))
        count = PilotArea.objects.count()
        err = io.StringIO()
        with pytest.raises(CommandError, match="未写入任何内容"):
            call_command("import_registry", str(path), stderr=err)
        assert "未知的省份“火星省”" in err.getvalue()
        assert PilotArea.objects.count() == count

    def test_command_imports(self, tmp_path: Path) -> None:
        path = tmp_path / "ok.csv"
        path.write_bytes(csv_bytes(GOOD_ROW))
        out = io.StringIO()
        call_command("import_registry", str(path), stdout=out)
        assert "新增 1" in out.getvalue()
        assert PilotArea.objects.filter(name="测试镇").exists()

    def test_dry_run_writes_nothing(self, tmp_path: Path) -> None:
        path = tmp_path / "ok.csv"
        path.write_bytes(csv_bytes(GOOD_ROW))
        call_command("import_registry", str(path), "--dry-run", stdout=io.StringIO())
        assert not PilotArea.objects.filter(name="测试镇").exists()


@pytest.mark.django_db
class TestReviewFindings:
    @pytest.mark.parametrize("batch", ["²", "01", "\uff11", " 1x"])
    def test_batch_must_be_exactly_1_2_or_3(self, batch: str) -> None:
        errors = rejected(csv_bytes(f"{batch},广西壮族自治区,某地,县,sourced,x\n"))
        assert len(errors) == 1 and "“batch（批次）”列" in errors[0]

    def test_an_area_is_listed_in_one_batch_only(self) -> None:
        errors = rejected(csv_bytes("3,广西壮族自治区,柳州市,地级市,sourced,x\n"))
        assert errors == ["第 2 行，“batch（批次）”列：柳州市已列入第 1 批，一个地区只能列入一个批次。"]
        errors = rejected(
            csv_bytes("2,广西壮族自治区,某镇,建制镇,sourced,x\n", "3,广西壮族自治区,某镇,建制镇,sourced,x\n")
        )
        assert errors == ["第 3 行，“batch（批次）”列：与第 2 行是同一地区：一个地区只能列入一个批次。"]

    def test_province_pilots_are_named_as_their_province(self) -> None:
        errors = rejected(csv_bytes("1,湖南省,广西壮族自治区,省,sourced,x\n", "1,湖南省,湖南省,地级市,sourced,x\n"))
        assert [e.split("：")[0] for e in errors] == ["第 2 行，“name（名称）”列", "第 3 行，“name（名称）”列"]

    def test_repeated_header_column_is_refused(self) -> None:
        with pytest.raises(DomainError, match="表头中的列重复：name"):
            services.apply_registry_import(
                content=csv_bytes(GOOD_ROW, header="batch,province,name,level,verification,source_note,name\n"),
                file_name="x.csv",
                by=system("tests"),
            )

    def test_broken_worksheet_xml_is_a_clear_error(self) -> None:
        good = xlsx_bytes([["batch"], [1]])
        broken = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(broken, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename.startswith("xl/worksheets/"):
                    data = data[: len(data) // 2]  # truncated XML
                target.writestr(item, data)
        with pytest.raises(DomainError, match="文件损坏"):
            services.apply_registry_import(content=broken.getvalue(), file_name="x.xlsx", by=system("tests"))

    def test_plan_query_count_does_not_grow_per_row(self, django_assert_max_num_queries: Any) -> None:
        content = Path("data/reference/pilots.csv").read_bytes()
        with django_assert_max_num_queries(50):  # ~one division query per province and level, not per row
            registry_import.plan_registry_import(content)
