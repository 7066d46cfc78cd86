"""The evaluation bulletin (通报): composed by the document engine, opened again, laid out by LibreOffice."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import re
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from shidian.core.documents import Kind, Table
from shidian.core.documents.tests import pdfcheck
from shidian.evaluation import bulletin
from shidian.evaluation.bulletin import BulletinContent, GradeRow, NamedReason

LEFT_PT = 28 * 72 / 25.4  # the text block's left edge
RIGHT_PT = LEFT_PT + 156 * 72 / 25.4
CJK_FONTS = ("NotoSerifCJK", "NotoSansCJK", "LXGWWenKai", "UKai", "UMing", "WenQuanYi")

PILOTS = [
    ("宁波市", "浙江省", "第一批", "94.62", "excellent"),
    ("嘉兴市", "浙江省", "第一批", "92.10", "excellent"),
    ("柳州市", "广西壮族自治区", "第一批", "90.05", "excellent"),
    ("安庆市", "安徽省", "第一批", "88.40", "good"),
    ("吉林市", "吉林省", "第一批", "85.73", "good"),
    ("义乌市", "浙江省", "第二批", "83.20", "good"),
    ("石河子市", "新疆生产建设兵团", "第二批", "81.00", "good"),
    ("鹰潭市", "江西省", "第一批", "79.95", "pass"),
    ("蓟州区", "天津市", "第二批", "72.48", "pass"),
    ("都匀市", "贵州省", "第三批", "66.00", "pass"),
    ("福泉市", "贵州省", "第三批", "61.25", "pass"),
    ("莱芜市", "山东省", "第二批", "55.30", "fail"),
]
WARNED = [
    NamedReason("莱芜市", "山东省", "2018年度评估等次为不合格，予以预警，限2019年9月15日前完成整改。"),
]
ELIMINATED = [
    NamedReason(
        "某试点县",
        "河北省",
        "2017年度评估等次为不合格，2018年度评估等次为不合格，连续2年不合格，经研究决定退出试点。",
    ),
]
# Ideographs only (no digits, no punctuation), so every full line of it holds exactly 28 characters.
LONG_PROBLEM = "部分试点地区配套政策落实不够有力农业转移人口市民化成本分担机制尚未健全" * 4 + "。"
MINISTRIES = ["公安部", "民政部", "财政部", "人力资源社会保障部", "自然资源部", "住房城乡建设部"]


def content(**changes: Any) -> BulletinContent:
    base = BulletinContent(
        year=2018,
        number="发改办规划〔2019〕123号",
        title="国家发展改革委办公厅关于2018年度国家新型城镇化综合试点评估结果的通报",
        recipients=["各省、自治区、直辖市及计划单列市、新疆生产建设兵团发展改革委"],
        copied_to=MINISTRIES,
        issuer="国家发展改革委办公厅",
        issued_on=dt.date(2019, 3, 15),
        grades=[
            GradeRow(pilot, province, batch, Decimal(score), grade, rank)
            for rank, (pilot, province, batch, score, grade) in enumerate(PILOTS, start=1)
        ],
        warned=WARNED,
        eliminated=ELIMINATED,
        experiences=[
            "宁波市：农业转移人口市民化成本分担机制，按常住人口配置公共服务资源。",
            "嘉兴市：户籍制度改革与居住证制度并轨，实现城乡居民基本公共服务均等化。",
        ],
        problems=["部分试点地区年度报告报送不及时，数据质量有待提高。", LONG_PROBLEM],
        attachments=["2018年度国家新型城镇化综合试点评估结果", "国家新型城镇化综合试点典型经验"],
        printed_by="国家发展改革委办公厅",
    )
    return dataclasses.replace(base, **changes)


def table_rows(pdf: bytes) -> list[str]:
    """Each page's words joined per row, left to right: a cell's digits sit a point or two off the CJK baseline."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        Path(handle.name).write_bytes(pdf)
        html = subprocess.run(  # noqa: S603
            ["pdftotext", "-bbox", handle.name, "-"],  # noqa: S607
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    rows: list[str] = []
    for page in html.split("<page ")[1:]:
        words = sorted(
            (float(y), float(x), text)
            for x, y, text in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page)
        )
        grouped: list[list[tuple[float, float, str]]] = []
        for word in words:
            if grouped and word[0] - grouped[-1][0][0] < 4:
                grouped[-1].append(word)
            else:
                grouped.append([word])
        rows.extend("".join(text for _y, _x, text in sorted(row, key=lambda word: word[1])) for row in grouped)
    return rows


def east_asia(run: Any) -> str | None:
    fonts = run._element.find(qn("w:rPr")).find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return bulletin.docx_bytes(content())


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return bulletin.pdf_bytes(content())


def test_compose_gives_a_downward_document_with_every_element() -> None:
    document = bulletin.compose(content())
    assert document.kind is Kind.DOWNWARD
    assert document.issuer_mark == "国家发展改革委办公厅" and document.number == "发改办规划〔2019〕123号"
    assert document.date == dt.date(2019, 3, 15) and document.printed_on == dt.date(2019, 3, 15)
    assert document.copies_to == MINISTRIES and document.printed_by == "国家发展改革委办公厅"
    [table] = [block for block in document.blocks if isinstance(block, Table)]
    assert table.rows[0] == ["1", "宁波市", "浙江省", "第一批", "94.62", "优秀"]
    assert table.rows[-1] == ["12", "莱芜市", "山东省", "第二批", "55.30", "不合格"]
    assert table.repeat_header


def test_the_docx_reads_back_title_number_recipients_grades_and_copies(docx_bytes: bytes) -> None:
    docx = Document(io.BytesIO(docx_bytes))
    texts = [p.text for p in docx.paragraphs if p.text.strip()]
    assert texts[0] == "国家发展改革委办公厅"  # 版头
    mark = next(p for p in docx.paragraphs if p.text == "国家发展改革委办公厅")
    assert str(mark.runs[0].font.color.rgb) == "FF0000" and east_asia(mark.runs[0]) == "方正小标宋简体"
    assert texts[1] == "发改办规划〔2019〕123号"
    title = next(p for p in docx.paragraphs if p.text.replace("\n", "") == content().title)
    assert title.text == "国家发展改革委办公厅关于2018年度\n国家新型城镇化综合试点评估结果的通报"
    assert title.runs[0].font.size is not None and title.runs[0].font.size.pt == 22
    assert "各省、自治区、直辖市及计划单列市、新疆生产建设兵团发展改革委：" in texts
    for heading in ("一、评估总体情况", "二、评估等次和排名", "三、预警和退出", "四、典型经验", "五、存在的共性问题"):
        assert heading in texts
    assert "（一）预警的试点地区" in texts and "（二）退出的试点地区" in texts
    assert "参加2018年度评估的试点地区共12个，评估等次为优秀3个、良好4个、合格4个、不合格1个。" in texts
    assert any(t.startswith("1.山东省莱芜市：2018年度评估等次为不合格") for t in texts)
    assert any(t.startswith("1.河北省某试点县：2017年度") for t in texts)
    [table] = docx.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["排名", "试点地区", "所在省份", "批次", "综合得分", "等次"]
    assert ["3", "柳州市", "广西壮族自治区", "第一批", "90.05", "优秀"] in rows and len(rows) == 13
    tr_pr = table.rows[0]._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert "附件：1. 2018年度国家新型城镇化综合试点评估结果" in texts
    assert "2. 国家新型城镇化综合试点典型经验" in texts
    assert "2019年3月15日" in texts
    assert "抄送：" + "，".join(MINISTRIES) + "。" in texts
    assert any(t.startswith("国家发展改革委办公厅") and t.endswith("2019年3月15日印发") for t in texts)


@pytest.mark.libreoffice
def test_the_docx_and_the_pdf_are_each_one_layout_by_the_running_office() -> None:
    from shidian.core.documents import pdf as layout
    from shidian.core.documents.docx import compose

    assert layout.page_count(layout.docx_to_pdf(compose(bulletin.compose(content())).save())) == 4  # even
    before = dataclasses.replace(layout.counters)
    bulletin.docx_bytes(content())
    bulletin.pdf_bytes(content())  # the first layout is the PDF: nothing moved
    assert layout.counters.conversions - before.conversions == 2
    assert layout.counters.served - before.served == 2
    assert layout.counters.office_starts == before.office_starts


@pytest.mark.libreoffice
def test_the_pdf_reads_back_with_pypdf(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert abs(float(page.mediabox.width) - 595.28) < 1 and abs(float(page.mediabox.height) - 841.89) < 1
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")
    assert "发改办规划〔2019〕123号" in text
    assert "国家发展改革委办公厅关于2018年度国家新型城镇化综合试点评估结果的通报" in text
    assert "1宁波市浙江省第一批94.62优秀" in text
    assert "抄送：公安部，民政部" in text


@pytest.mark.libreoffice
def test_libreoffice_lays_the_elements_out_in_order(pdf: bytes) -> None:
    pages = pdfcheck.pages(pdf)
    assert 2 <= len(pages) <= 4  # a dozen pilots: a bulletin a person reads, not a data dump
    first = [line.text for line in pages[0]]
    assert first[0] == "国家发展改革委办公厅" and first[1] == "发改办规划〔2019〕123号"
    title_at = next(i for i, text in enumerate(first) if text.startswith("国家发展改革委办公厅关于"))
    recipients_at = next(i for i, text in enumerate(first) if text.startswith("各省、自治区"))
    assert recipients_at > title_at
    rows = table_rows(pdf)
    assert "排名试点地区所在省份批次综合得分等次" in rows
    assert "12莱芜市山东省第二批55.30不合格" in rows and "3柳州市广西壮族自治区第一批90.05优秀" in rows
    lines = [line.text for page in pages for line in page]
    assert "2019年3月15日" in lines
    record = [text for text in lines if text.startswith("抄送：")]
    assert record and "公安部" in record[0]
    assert lines.index(record[0]) > lines.index("2019年3月15日")
    signed = next(page for page in pages if "2019年3月15日" in [line.text for line in page])
    assert any(line.text.startswith("地区要在整改期限内") for line in signed)  # the signature never stands alone


@pytest.mark.libreoffice
def test_ranking_rows_are_compact_and_not_snapped_to_the_body_grid(pdf: bytes) -> None:
    tops = [
        line.y_min for page in pdfcheck.pages(pdf) for line in page if "第一批" in line.text or "第二批" in line.text
    ]
    assert len(tops) >= 8
    pitches = {round(b - a, 1) for a, b in itertools.pairwise(tops) if 0 < b - a < 40}
    assert all(19 < pitch < 22 for pitch in pitches), (
        pitches
    )  # 16 pt and 2 pt above and below, not the 28.95 pt body line


@pytest.mark.libreoffice
def test_full_body_lines_hold_28_characters(pdf: bytes) -> None:
    lines = [line for page in pdfcheck.pages(pdf) for line in page]
    full = [line for line in lines if line.text and set(line.text) <= set(LONG_PROBLEM) - {"。"}]
    assert len(full) >= 3
    assert {len(line.text) for line in full} == {28}
    for line in full:
        assert line.x_min == pytest.approx(LEFT_PT, abs=1.5) and line.x_max == pytest.approx(RIGHT_PT, abs=1.5)
    # Every 3号 line wraps at the block's right edge, whatever it holds (digits, punctuation).
    for index, line in enumerate(lines[:-1]):
        following = lines[index + 1]
        if following.x_min < LEFT_PT + 2 and abs(following.y_min - line.y_min - 579 / 20) < 0.5:
            # At the right edge; a closing comma may hang one character beyond it (LibreOffice, like Word).
            assert RIGHT_PT - 1.5 < line.x_max < RIGHT_PT + 16.5, line.text


@pytest.mark.libreoffice
def test_page_numbers_alternate_and_fonts_are_embedded_cjk(pdf: bytes) -> None:
    pages = pdfcheck.pages(pdf)
    for number, page in enumerate(pages, start=1):
        footer = [line for line in page if line.text == f"—{number}—"]
        assert footer, f"page {number} has no page number"
        if number % 2:
            assert footer[0].x_min > (LEFT_PT + RIGHT_PT) / 2
        else:
            assert footer[0].x_min < LEFT_PT + 40
    fonts = pdfcheck.fonts(pdf)
    assert fonts and all(embedded for _name, embedded in fonts)
    assert any("NotoSerifCJK" in name for name, _emb in fonts)  # 仿宋 and 小标宋
    assert any("Kai" in name for name, _emb in fonts)  # 楷体 headings （一）
    assert any("NotoSansCJK" in name or "WenQuanYi" in name for name, _emb in fonts)  # 黑体


def test_empty_sections_say_so() -> None:
    document = bulletin.compose(content(warned=[], eliminated=[], experiences=[], problems=[" "]))
    texts = [getattr(block, "text", "") for block in document.blocks]
    assert "本年度没有预警的试点地区。" in texts and "本年度没有退出的试点地区。" in texts
    assert "本年度评估未遴选典型经验。" in texts
    assert "本年度评估未发现需要通报的共性问题。" in texts
    assert not any("被预警的试点地区要在整改期限内" in text for text in texts)


def test_no_pilots_and_the_issuer_as_printer_when_none_is_given() -> None:
    document = bulletin.compose(content(grades=[], printed_by=""))
    assert not any(isinstance(block, Table) for block in document.blocks)
    assert document.printed_by == "国家发展改革委办公厅"
    texts = [getattr(block, "text", "") for block in document.blocks]
    assert "本年度没有试点地区参加评估。" in texts


def test_composed_in_chinese_under_the_english_interface_and_survives_control_characters() -> None:
    from django.utils import translation

    with translation.override("en"):
        data = bulletin.docx_bytes(content(problems=["第一行\v第二行\x01"]))
    docx = Document(io.BytesIO(data))
    texts = [p.text for p in docx.paragraphs]
    assert "一、评估总体情况" in texts and "1.第一行" in texts and "第二行" in texts
    header, first = ([cell.text for cell in row.cells] for row in docx.tables[0].rows[:2])
    assert header[0] == "排名" and first[-1] == "优秀"


def test_demo_content_is_marked() -> None:
    texts = [p.text for p in Document(io.BytesIO(bulletin.docx_bytes(content(is_demo=True)))).paragraphs]
    assert texts[0] == "【演示数据】"


def test_a_long_title_breaks_between_words_into_even_lines() -> None:
    assert bulletin.title_lines("国家发展改革委办公厅关于2018年度国家新型城镇化综合试点评估结果的通报") == [
        "国家发展改革委办公厅关于2018年度",
        "国家新型城镇化综合试点评估结果的通报",
    ]
    three = bulletin.title_lines(
        "国家发展和改革委员会关于第一批国家新型城镇化综合试点地区2018年度评估结果和动态退出情况的通报"
    )
    assert len(three) == 3
    assert not any(line.endswith("试点") or line.startswith("地区") for line in three)  # 试点地区 kept whole
    assert bulletin.title_lines("关于2018年度评估结果的通报") == ["关于2018年度评估结果的通报"]  # fits one line
    unbreakable = "评" * 45
    assert bulletin.title_lines(unbreakable) == [unbreakable]  # no word boundary: the layout wraps it


@pytest.mark.libreoffice
def test_the_title_lines_stand_as_broken(pdf: bytes) -> None:
    first = [line.text for line in pdfcheck.pages(pdf)[0]]
    at = first.index("国家发展改革委办公厅关于2018年度")
    assert first[at + 1] == "国家新型城镇化综合试点评估结果的通报"


def test_a_province_level_pilot_is_named_once_in_the_text() -> None:
    jiangsu = GradeRow("江苏省", "江苏省", "第一批", Decimal("96.00"), "excellent", 1)
    document = bulletin.compose(content(grades=[jiangsu]))
    text = "".join(getattr(block, "text", "") for block in document.blocks)
    assert "江苏省" in text and "江苏省江苏省" not in text
