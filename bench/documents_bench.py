"""Documents: a province report with 20 pilots and the national bulletin (all 246 pilots ranked), DOCX and PDF.

Composed by the product's composers (reporting.documents, evaluation.bulletin) and laid out by the core
engine and LibreOffice, as the server does. The baseline, measured in the same run right before, is a
one-page letter through the same path: for the PDF it is LibreOffice's fixed cost (start, load, export).
The goal is absolute (under 5 s each); the ratio says what the content adds on top of the fixed cost.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

BUDGET_S = 5.0
PILOTS = 246


def bulletin_content() -> Any:
    from shidian.evaluation.bulletin import BulletinContent, GradeRow, NamedReason
    from shidian.evaluation.rules import EXCELLENT, FAIL, GOOD, PASS

    grades = [EXCELLENT, GOOD, PASS, FAIL]
    return BulletinContent(
        year=2018,
        number="发改办规划〔2019〕123号",
        title="国家发展改革委办公厅关于2018年度国家新型城镇化综合试点评估结果的通报",
        recipients=["各省、自治区、直辖市及计划单列市、新疆生产建设兵团发展改革委"],
        copied_to=["公安部", "民政部", "财政部", "人力资源社会保障部", "自然资源部", "住房城乡建设部"],
        issuer="国家发展改革委办公厅",
        issued_on=dt.date(2019, 3, 15),
        grades=[
            GradeRow(
                f"试点城市{i + 1}",
                "江苏省",
                f"第{i % 3 + 1}批",
                Decimal(95) - Decimal(i) / 4,
                grades[i * 4 // PILOTS],
                i + 1,
            )
            for i in range(PILOTS)
        ],
        warned=[NamedReason("试点城市240", "江苏省", "连续两年评估结果为基本合格以下。")],
        eliminated=[NamedReason("试点城市246", "江苏省", "未按期报送年度报告且整改不到位。")],
        experiences=["宁波市：农业转移人口市民化成本分担机制，按常住人口配置公共服务资源。"],
        problems=["部分试点地区年度报告报送不及时，数据质量有待提高。"],
        attachments=["2018年度国家新型城镇化综合试点评估结果"],
        printed_by="国家发展改革委办公厅",
    )


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(*, smoke: bool) -> list[tuple[Any, ...]]:
    import province_report_document as report

    from shidian.core.documents import render_docx, render_pdf
    from shidian.evaluation import bulletin
    from shidian.reporting import documents

    documents._copied_to = lambda v: ["中央编办", "公安部", "民政部", "财政部", "人力资源社会保障部"]  # type: ignore[assignment]
    repeat = 1 if smoke else 3
    if not smoke:
        render_pdf(report.letter())  # LibreOffice's profile, once
    base_docx = best(lambda: render_docx(report.letter()), repeat)
    base_pdf = best(lambda: render_pdf(report.letter()), repeat) if not smoke else 1.0
    content = bulletin_content()

    def province_report() -> Any:
        return documents.province_report_document(report.version())

    cases = [
        ("省级报告（20 个试点）DOCX", lambda: render_docx(province_report()), base_docx),
        ("省级报告（20 个试点）PDF", lambda: render_pdf(province_report()), base_pdf),
        (f"全国评估通报（{PILOTS} 个试点）DOCX", lambda: bulletin.docx_bytes(content), base_docx),
        (f"全国评估通报（{PILOTS} 个试点）PDF", lambda: bulletin.pdf_bytes(content), base_pdf),
    ]  # fmt: skip
    if smoke:  # LibreOffice costs 10-20 s a run on a busy machine; the test suite already lays out PDFs
        cases = [cases[0], cases[2]]
    rows = []
    for name, fn, base in cases:
        seconds = best(fn, repeat)
        print(f"  {name}: {seconds:.2f} s", flush=True)
        rows.append(
            ("文书", name, f"{seconds:.2f} s", f"一页公函 {base:.2f} s", seconds / base, "< 5 s", seconds < BUDGET_S)
        )
    return rows
