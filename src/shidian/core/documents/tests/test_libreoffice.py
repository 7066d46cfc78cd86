"""The engine's DOCX laid out by a real office suite (LibreOffice, headless), then read back from the PDF.

LibreOffice is installed by ``make setup`` (libreoffice-writer-nogui, poppler-utils): these tests always run.
"""

from __future__ import annotations

import datetime as dt

import pytest

from shidian.core.documents import Heading, Kind, OfficialDocument, Paragraph, render_docx, render_pdf
from shidian.core.documents.pdf import docx_to_pdf
from shidian.core.documents.tests import pdfcheck

pytestmark = pytest.mark.libreoffice
LEFT_PT = 28 * 72 / 25.4  # the text block's left edge
BOTTOM_PT = (37 + 225) * 72 / 25.4  # the text block's foot
LINE_PT = 579 / 20  # the line pitch
RIGHT_PT = LEFT_PT + 156 * 72 / 25.4
# 26 distinct characters, no punctuation, so no line-breaking rule shortens a line.
BODY = "城镇化综合试点工作推进有力各项改革任务落实到位户籍制度成效明显" * 6 + "。"
CJK_FONTS = ("NotoSerifCJK", "NotoSansCJK", "LXGWWenKai", "UKai", "UMing", "WenQuanYi")


def long_document() -> OfficialDocument:
    return OfficialDocument(
        title="广西壮族自治区关于2017年度新型城镇化综合试点工作情况的报告",
        kind=Kind.UPWARD,
        issuer_mark="广西壮族自治区发展和改革委员会",
        number="桂发改规划〔2018〕3号",
        signer="张三",
        recipients=["国家发展改革委"],
        blocks=[Heading(1, "总体情况"), *[Paragraph(BODY) for _ in range(16)], Heading(2, "柳州市")],
        signature="广西壮族自治区发展和改革委员会",
        date=dt.date(2018, 1, 5),
        copies_to=["公安部", "民政部"],
        printed_by="广西壮族自治区发展和改革委员会办公室",
        printed_on=dt.date(2018, 1, 5),
    )


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_pdf(long_document())


def test_every_full_body_line_holds_28_characters(pdf: bytes) -> None:
    lines = [line for page in pdfcheck.pages(pdf) for line in page if line.text and set(line.text) <= set(BODY)]
    assert len(lines) > 60
    full = [line for line in lines if not line.text.endswith("。")]
    first_lines = [line for line in full if line.x_min > LEFT_PT + 16]  # indented two characters
    continuation = [line for line in full if line.x_min <= LEFT_PT + 16]
    assert {len(line.text) for line in continuation} == {28}
    assert {len(line.text) for line in first_lines} == {26}


def test_every_full_page_holds_22_lines(pdf: bytes) -> None:
    pages = [[line for line in page if not line.text.startswith("—")] for page in pdfcheck.pages(pdf)]
    full = [page for page in pages if page and all(set(line.text) <= set(BODY) for line in page)]
    assert len(full) >= 3  # the pages between the first (版头, title) and the last (署名, 版记)
    for page in full:
        assert len(page) == 22, [line.text for line in page]
        assert page[-1].y_min - page[0].y_min == pytest.approx(21 * 579 / 20, abs=0.5)


@pytest.fixture(scope="module")
def docx_pdf() -> bytes:
    """The DOCX the platform serves, laid out by LibreOffice as a reader's office suite would."""
    return docx_to_pdf(render_docx(long_document()))


def test_page_numbers_alternate_odd_right_even_left(pdf: bytes) -> None:
    pages = pdfcheck.pages(pdf)[:6]  # the blank page and the 版记's page that follow have none
    for number, page in enumerate(pages, start=1):
        footer = [line for line in page if line.text == f"—{number}—"]
        assert footer, f"page {number} has no page number"
        if number % 2:
            assert footer[0].x_max > RIGHT_PT - 40 and footer[0].x_min > (LEFT_PT + RIGHT_PT) / 2
        else:
            assert footer[0].x_min < LEFT_PT + 40


def test_elements_stand_where_they_belong(pdf: bytes) -> None:
    first = [line.text for line in pdfcheck.pages(pdf)[0]]
    assert first[0] == "广西壮族自治区发展和改革委员会"
    assert first[1].startswith("桂发改规划〔2018〕3号") and first[1].endswith("签发人：张三")
    title_at = next(i for i, text in enumerate(first) if text.startswith("广西壮族自治区关于"))
    assert first[title_at + 2] == "国家发展改革委：" and first[title_at + 3] == "一、总体情况"
    last = [line.text for page in pdfcheck.pages(pdf)[-3:] for line in page]  # 版记 on the next even page
    assert "（一）柳州市" in last and "2018年1月5日" in last
    assert "抄送：公安部，民政部。" in last
    assert any(
        text.startswith("广西壮族自治区发展和改革委员会办公室") and text.endswith("2018年1月5日印发") for text in last
    )


def record_at_the_foot(pdf: bytes) -> list[str]:
    """Check the 版记 stands at the foot of the last page, under everything else; return the page's lines."""
    last = [line for line in pdfcheck.pages(pdf)[-1] if not line.text.startswith("—")]
    record = [line for line in last if line.text.startswith("抄送：") or line.text.endswith("印发")]
    assert [line.text[:3] for line in record] == ["抄送：", "广西壮"]
    printed = record[-1]
    # The last line of the 版记 ends in the block's last line, the 抄送 line is the one above it.
    assert BOTTOM_PT - LINE_PT < printed.y_max <= BOTTOM_PT
    assert printed.y_min - record[0].y_min == pytest.approx(LINE_PT, abs=1.5)
    others = [line for line in last if line not in record]
    assert all(line.y_max < record[0].y_min - 2 for line in others)  # nothing runs under the 版记
    return [line.text for line in last]


def test_the_record_sits_at_the_foot_of_the_last_page(pdf: bytes) -> None:
    record_at_the_foot(pdf)


@pytest.mark.parametrize("served", ["pdf", "docx_pdf"])
def test_a_record_without_room_on_an_even_page_goes_to_the_next_even_page(
    served: str, request: pytest.FixtureRequest
) -> None:
    pages = pdfcheck.pages(request.getfixturevalue(served))
    # The body ends on page 6, too low for the 版记: page 7 stays blank, the 版记 stands on page 8, in the
    # server's PDF and in the DOCX alike (the DOCX, laid out by an office suite, ends on an even page too).
    assert len(pages) == 8
    assert "2018年1月5日" in [line.text for line in pages[5]]
    assert [line.text for line in pages[5] if line.text.startswith("—")] == ["—6—"]
    # GB/T 9704-2012 7.5: the blank page before the 版记's page, and that page, carry no page number.
    assert [line.text for line in pages[6]] == []
    assert not [line.text for line in pages[7] if line.text.startswith("—")]
    record_at_the_foot(request.getfixturevalue(served))


def test_a_one_page_document_has_its_record_on_the_back_of_the_sheet() -> None:
    document = long_document()
    document.blocks = [Heading(1, "总体情况"), Paragraph(BODY[:20])]
    pages = pdfcheck.pages(render_pdf(document))
    # The 版记 would fit under the 成文日期 on page 1; GB/T 9704 puts it on the last, even page.
    assert len(pages) == 2 and "2018年1月5日" in [line.text for line in pages[0]]
    assert record_at_the_foot(render_pdf(document)) == ["抄送：公安部，民政部。", pages[1][1].text]
    assert pages[1][-1].text == "—2—"  # no blank page before it: the 版记's page keeps its number
    served = pdfcheck.pages(docx_to_pdf(render_docx(document)))  # the DOCX ends on the even page too
    assert len(served) == 2 and [line.text for line in served[1]] == [line.text for line in pages[1]]


def test_every_character_is_drawn_with_an_embedded_cjk_font(pdf: bytes) -> None:
    fonts = pdfcheck.fonts(pdf)
    assert fonts and all(embedded for _name, embedded in fonts)
    cjk = [name for name, _emb in fonts if any(family in name for family in CJK_FONTS)]
    assert any("NotoSerifCJK" in name for name in cjk)  # 仿宋 and 小标宋 in a serif face
    assert any("Kai" in name for name in cjk)  # 楷体
    assert any("NotoSansCJK" in name or "WenQuanYi" in name for name in cjk)  # 黑体
    text = "".join(line.text for page in pdfcheck.pages(pdf) for line in page)
    assert BODY[:26] in text  # every glyph maps back to its character (no tofu)


def test_a_vertical_tab_and_control_characters_do_not_break_the_document() -> None:
    document = OfficialDocument(title="标题\x01", blocks=[Paragraph("第一行\v第二行\x0c第三行\x00")])
    lines = [line.text for page in pdfcheck.pages(docx_to_pdf(render_docx(document))) for line in page]
    assert "标题" in lines and "第一行" in lines and "第二行" in lines and "第三行" in lines
