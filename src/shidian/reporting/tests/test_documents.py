"""The generated DOCX, PDF and XLSX: opened again and checked for content and layout."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Twips
from openpyxl import load_workbook
from pypdf import PdfReader

from shidian.accounts.models import User
from shidian.reporting import documents, selectors, services
from shidian.reporting.models import PilotReportVersion
from shidian.reporting.tests.factories import filled_report, on, submitted_report, year_end

pytestmark = pytest.mark.django_db
UserGetter = Callable[[str], User]


def east_asia(run: Any) -> str | None:
    """The East-Asian font named on a run (python-docx's font.name is only the Latin one)."""
    fonts = run._element.find(qn("w:rPr")).find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def pilot_version(user: UserGetter) -> PilotReportVersion:
    report = submitted_report(user("demo-pilot"), year_end(2017))
    return report.versions.get()


def test_docx_has_the_official_layout_and_content(user: UserGetter) -> None:
    version = pilot_version(user)
    content = documents.render_docx(documents.pilot_report_document(version))
    docx = Document(io.BytesIO(content))
    section = docx.sections[0]
    assert section.page_width and section.page_height and section.top_margin and section.left_margin
    assert section.right_margin and section.bottom_margin
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    assert abs(section.top_margin - Mm(37)) < Mm(0.5) and abs(section.left_margin - Mm(28)) < Mm(0.5)
    text_width = section.page_width - section.left_margin - section.right_margin
    text_height = section.page_height - section.top_margin - section.bottom_margin
    assert abs(text_width - Mm(156)) < Mm(0.5) and abs(text_height - Mm(225)) < Mm(0.5)
    grid = section._sectPr.find(qn("w:docGrid"))
    # A line grid: LibreOffice would put each 16 pt character in two cells of a 15.8 pt character grid.
    assert grid.get(qn("w:type")) == "lines"
    line_pitch = int(grid.get(qn("w:linePitch")))
    assert 22 * line_pitch <= Mm(225).twips < 23 * line_pitch  # 22 lines fill the block

    paragraphs = [p for p in docx.paragraphs if p.text.strip()]
    title = paragraphs[0]
    assert title.text == "柳州市2017年度报告"
    title_run = title.runs[0]
    assert title_run.font.size is not None and title_run.font.size.pt == 22
    assert east_asia(title_run) == "方正小标宋简体"
    texts = [p.text for p in paragraphs]
    for expected in ("一、工作进展情况", "二、主要做法", "三、成果经验", "四、矛盾困难", "五、下一步工作建议"):
        assert expected in texts
    heading = next(p for p in paragraphs if p.text == "一、工作进展情况")
    assert east_asia(heading.runs[0]) == "黑体"
    body = next(p for p in paragraphs if p.text.startswith("progress 的内容"))
    assert body.runs[0].font.size is not None and body.runs[0].font.size.pt == 16
    assert east_asia(body.runs[0]) == "仿宋_GB2312"
    assert body.paragraph_format.line_spacing == Twips(line_pitch)

    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "— " in section.footer.paragraphs[0].text
    assert 'w:eastAsia="宋体"' in footer_xml and 'w:val="28"' in footer_xml  # 14 pt = 4号
    assert docx.settings.odd_and_even_pages_header_footer
    assert "PAGE" in section.even_page_footer._element.xml


def test_pdf_is_a4_and_its_text_extracts(user: UserGetter) -> None:
    version = pilot_version(user)
    content = documents.render_pdf(documents.pilot_report_document(version))
    reader = PdfReader(io.BytesIO(content))
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1
    text = "".join(p.extract_text() for p in reader.pages)
    assert "柳州市2017年度报告" in text.replace(" ", "").replace("\n", "")
    assert "工作进展情况" in text and "— 1 —" in text
    resources: Any = page["/Resources"]
    fonts = [f.get_object() for f in resources["/Font"].values()]
    cjk = [f for f in fonts if f.get("/Subtype") == "/TrueType"]
    assert cjk, "the CJK text must use an embedded TrueType subset"
    descriptor = cjk[0]["/FontDescriptor"].get_object()
    assert "/FontFile2" in descriptor  # the outlines are embedded, not just named


def test_missing_libreoffice_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    from shidian.core.documents import pdf

    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(pdf.ConverterMissing, match="libreoffice-writer-nogui"):
        pdf.soffice()


def test_province_report_documents(user: UserGetter) -> None:
    from shidian.regions.models import Province

    province = user("demo-province")
    reporting_round = year_end(2017)
    report = submitted_report(user("demo-pilot"), reporting_round)
    services.accept_pilot_report(report=report, by=province)
    draft = services.open_province_report(
        province=Province.objects.get(name="广西壮族自治区"), reporting_round=reporting_round, by=province
    )
    draft = services.save_province_draft(
        report=draft, revision=draft.revision, fields={"overview": "全省总体进展顺利。"}, pilot_texts={}, by=province
    )
    draft = services.submit_province_report(report=draft, by=province, now=on(dt.date(2018, 1, 5)))
    document = documents.province_report_document(draft.versions.get())
    docx = Document(io.BytesIO(documents.render_docx(document)))
    texts = [p.text for p in docx.paragraphs]
    assert "广西壮族自治区2017年度报告" in texts
    assert "二、各试点进展情况" in texts and "（一）柳州市" in texts
    # A 上行文 to the commission: red header, 发文字号 issued at submission, 主送, 抄送 the ministries.
    assert "广西壮族自治区发展和改革委员会" in texts[:3]
    assert any(t.startswith("桂发改规划〔2018〕") for t in texts)
    assert "国家发展改革委：" in texts
    copies = next(t for t in texts if t.startswith("抄送："))
    assert "公安部" in copies and "国家发展改革委" not in copies
    assert any(t.endswith("2018年1月5日印发") for t in texts)
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(documents.render_pdf(document))).pages)
    assert "全省总体进展顺利" in pdf_text.replace("\n", "")


@pytest.mark.libreoffice
def test_the_province_report_is_laid_out_once_per_format_by_the_running_office(user: UserGetter) -> None:
    from shidian.core.documents import pdf
    from shidian.core.documents.docx import compose
    from shidian.regions.models import Province

    province = user("demo-province")
    reporting_round = year_end(2017)
    services.accept_pilot_report(report=submitted_report(user("demo-pilot"), reporting_round), by=province)
    draft = services.open_province_report(
        province=Province.objects.get(name="广西壮族自治区"), reporting_round=reporting_round, by=province
    )
    draft = services.save_province_draft(
        report=draft, revision=draft.revision, fields={"overview": "全省总体进展顺利。"}, pilot_texts={}, by=province
    )
    draft = services.submit_province_report(report=draft, by=province, now=on(dt.date(2018, 1, 5)))
    document = documents.province_report_document(draft.versions.get())
    first_layout_even = pdf.page_count(pdf.docx_to_pdf(compose(document).save())) % 2 == 0
    before = dataclasses.replace(pdf.counters)
    documents.render_docx(document)
    assert pdf.counters.conversions - before.conversions == 1
    documents.render_pdf(document)
    # One layout is the PDF when the report ends on an even page; else the moved 版记 is laid out again.
    assert pdf.counters.conversions - before.conversions == (2 if first_layout_even else 3)
    assert pdf.counters.served - before.served == pdf.counters.conversions - before.conversions
    assert pdf.counters.office_starts == before.office_starts  # the office started for the first layout


def test_matrix_xlsx(user: UserGetter) -> None:
    national = user("demo-national")
    submitted_report(user("demo-pilot"), year_end(2017), when=dt.date(2017, 12, 25))
    matrix = selectors.completeness_matrix(user=national, today=dt.date(2018, 3, 1))
    workbook = load_workbook(io.BytesIO(documents.matrix_xlsx(matrix)))
    pilots = workbook["试点报送情况"]
    header = [c.value for c in pilots[1]]
    assert header[:4] == ["省份", "批次", "区域", "试点地区"] and header[4] == "2017年度报告"
    rows = {r[3]: r for r in pilots.iter_rows(min_row=2, values_only=True)}
    assert rows["柳州市"][4] == "逾期报送"
    assert len(rows) == len(matrix.pilot_rows)
    rates = list(workbook["报送率"].iter_rows(min_row=2, values_only=True))
    total = next(r for r in rates if r[0] == "全国试点")
    assert total[2] == matrix.total.expected and total[3] == 1


def test_documents_are_chinese_under_the_english_interface_and_survive_control_characters(
    user: UserGetter,
) -> None:
    from django.utils import translation

    version = pilot_version(user)
    version.progress = "第一行\v第二行\x01"  # as pasted from Word (not saved: versions are immutable)
    with translation.override("en"):
        document = documents.pilot_report_document(version)
        content = documents.render_docx(document)
    texts = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert "柳州市2017年度报告" in texts and "一、工作进展情况" in texts
    assert "第一行" in texts and "第二行" in texts


def test_matrix_xlsx_writes_a_formula_looking_pilot_name_as_text(user: UserGetter) -> None:
    from shidian.pilots.models import PilotArea

    national = user("demo-national")
    PilotArea.objects.filter(name="柳州市").update(name="=cmd|' /C calc'!A0")
    matrix = selectors.completeness_matrix(user=national, today=dt.date(2018, 3, 1))
    sheet = load_workbook(io.BytesIO(documents.matrix_xlsx(matrix)))["试点报送情况"]
    cells = [row[3] for row in sheet.iter_rows(min_row=2) if str(row[3].value).startswith("=")]
    assert cells and all(cell.data_type == "s" for cell in cells)
    assert sheet.freeze_panes == "A2"


def test_documents_are_dated_on_the_business_date_of_their_submission(user: UserGetter) -> None:
    from shidian.core import clock
    from shidian.regions.models import Province

    province = user("demo-province")
    reporting_round = year_end(2018)
    with clock.travel_to(dt.date(2019, 1, 8)):  # no ``now=``: the services take the business moment
        report = services.submit_pilot_report(
            report=filled_report(user("demo-pilot"), reporting_round), by=user("demo-pilot")
        )
        services.accept_pilot_report(report=report, by=province)
    pilot_texts = [
        p.text
        for p in Document(
            io.BytesIO(documents.render_docx(documents.pilot_report_document(report.versions.get())))
        ).paragraphs
    ]
    assert "2019年1月8日" in pilot_texts
    with clock.travel_to(dt.date(2019, 1, 12)):
        draft = services.open_province_report(
            province=Province.objects.get(name="广西壮族自治区"), reporting_round=reporting_round, by=province
        )
        draft = services.save_province_draft(
            report=draft,
            revision=draft.revision,
            fields={"overview": "全省总体进展顺利。"},
            pilot_texts={},
            by=province,
        )
        draft = services.submit_province_report(report=draft, by=province)
    texts = [
        p.text
        for p in Document(
            io.BytesIO(documents.render_docx(documents.province_report_document(draft.versions.get())))
        ).paragraphs
    ]
    assert "2019年1月12日" in texts  # 成文日期
    assert any(t.endswith("2019年1月12日印发") for t in texts)  # 印发日期
    assert any(t.startswith("桂发改规划〔2019〕") for t in texts)  # the number's year is the business year
