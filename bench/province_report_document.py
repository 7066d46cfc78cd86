"""A province report with 20 pilots as an official document: DOCX and PDF, each within a 5 s budget.

Composes the report through reporting.documents (the real composer) and the core engine, lays the PDF out
with LibreOffice, and counts its pages. Reports the ratio budget / time (higher is better; below 1 misses).
"""

from __future__ import annotations

import datetime as dt
import io
import resource
import time
from types import SimpleNamespace
from typing import Any

from _setup import django_with_reference

PILOTS = 20
BUDGET_S = 5.0
PROGRESS = (
    "今年以来，我市围绕农业转移人口市民化、城乡融合发展和投融资机制改革三项重点任务，"
    "制定年度工作要点，分解责任到部门，建立月调度、季通报制度。全年新增落户城镇人口一万二千人，"
    "居住证持有人享有的基本公共服务项目增加到十六项。"
)


def version() -> Any:
    sections = [
        {
            "pilot": f"试点城市{i + 1}",
            "text": (PROGRESS * 3)[:600] + "\n" + PROGRESS[:400],
            "facts": [
                "任务数：24",
                "时间节点数：96",
                "到期节点：40",
                "到期节点中已完成：36",
                "逾期节点：4",
                "总体进度（%）：62.5",
                "常住人口城镇化率：68.74%，目标 68.32%，达到目标",
                "户籍人口城镇化率：45.1%，目标 48%，低于预期",
            ],
        }
        for i in range(PILOTS)
    ]
    province = SimpleNamespace(name="广西壮族自治区")
    report = SimpleNamespace(province=province, round="2018年度报告", is_demo=False)
    return SimpleNamespace(
        pk=None,
        _meta=SimpleNamespace(label_lower="bench.version"),
        report=report,
        number=1,
        submitted_at=dt.date(2019, 1, 10),
        submitted_by=SimpleNamespace(full_name="张三"),
        overview=PROGRESS * 2,
        difficulties=PROGRESS,
        suggestions=PROGRESS,
        pilot_sections=sections,
        statistics={
            "pilots_expected": PILOTS,
            "reports_submitted": PILOTS,
            "reports_on_time": PILOTS - 2,
            "reports_late": 2,
            "reports_missing": 0,
            "indicator_lines": ["常住人口城镇化率：52.4%", "户籍人口城镇化率：33.1%"],
        },
    )


def main() -> None:
    django_with_reference()
    from pypdf import PdfReader

    from shidian.core.documents import docx_to_pdf, render_docx
    from shidian.reporting import documents

    documents._copied_to = lambda v: ["中央编办", "公安部", "民政部", "财政部", "人力资源社会保障部"]  # type: ignore[assignment]

    def timed(fn: Any) -> tuple[float, Any]:
        start = time.perf_counter()
        result = fn()
        return time.perf_counter() - start, result

    docx_time, _content = timed(lambda: render_docx(documents.province_report_document(version())))
    docx_to_pdf(render_docx(documents.OfficialDocument(title="预热")))  # start LibreOffice's profile once
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    pdf_time, pdf = timed(lambda: docx_to_pdf(render_docx(documents.province_report_document(version()))))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # LibreOffice's own CPU time: on a shared, loaded machine the wall time is mostly waiting for a core.
    office_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        f"pilots={PILOTS} pages={pages} docx={docx_time:.2f} s (ratio {BUDGET_S / docx_time:.1f}x) "
        f"pdf={pdf_time:.2f} s (ratio {BUDGET_S / pdf_time:.1f}x; LibreOffice CPU {office_cpu:.2f} s) "
        f"budget={BUDGET_S:.0f} s"
    )


if __name__ == "__main__":
    main()
