"""The annual evaluation bulletin (评估通报), composed from a published run by the core document engine.

A 下行文 from the commission's general office to the provinces: red header (版头) with 发文机关 and 发文字号,
title, 主送机关, a body of the results (the grades counted, the ranking table, the warned and eliminated pilots
with their reasons, typical experiences, common problems, what is asked next), 附件说明, 署名, 成文日期 and
版记 (抄送, 印发机关, 印发日期). eval-core builds the :class:`BulletinContent` from a published run; here it
only becomes a document. Always composed in Chinese, whatever the reader's interface language.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from shidian.core import formatting
from shidian.core.documents import Heading, Kind, OfficialDocument, Paragraph, Table, render_docx, render_pdf
from shidian.evaluation.rules import EXCELLENT, FAIL, GOOD, PASS, grade_label

GRADE_ORDER = (EXCELLENT, GOOD, PASS, FAIL)


@dataclass(frozen=True)
class GradeRow:
    """One pilot's line of the ranking table."""

    pilot: str
    province: str
    batch: str
    score: Decimal
    grade: str  # a grade code
    rank: int


@dataclass(frozen=True)
class NamedReason:
    """A warned or eliminated pilot and the reason the decision rests on."""

    pilot: str
    province: str
    reason: str


@dataclass(frozen=True)
class BulletinContent:
    """Everything a bulletin says; eval-core fills it from a published run (EVAL_SEAMS.md)."""

    year: int  # the evaluated year
    number: str  # 发文字号, e.g. "发改规划〔2019〕123号"
    title: str
    recipients: list[str]  # 主送机关
    copied_to: list[str]  # 抄送
    issuer: str  # 发文机关 (e.g. 国家发展改革委办公厅)
    issued_on: dt.date  # 成文日期 (business date, core.clock)
    grades: list[GradeRow]
    warned: list[NamedReason]
    eliminated: list[NamedReason]
    experiences: list[str]  # typical experiences (titles + one line); may be empty: say so
    problems: list[str]  # common problems
    attachments: list[str]  # 附件 titles
    printed_by: str = ""  # 版记 印发机关 (the issuer when empty)
    is_demo: bool = False  # demo content is marked as demo wherever it is shown
    score_decimals: int = 2  # the run's rounding of the composite score


def compose(content: BulletinContent) -> OfficialDocument:
    """Return the bulletin as an official document of the core engine (in Chinese)."""
    with translation.override("zh-hans"):
        return _compose(content)


def docx_bytes(content: BulletinContent) -> bytes:
    """Return the bulletin as DOCX in the GB/T 9704-2012 layout."""
    return render_docx(compose(content))


def pdf_bytes(content: BulletinContent) -> bytes:
    """Return the bulletin as PDF, laid out from its DOCX by LibreOffice (once when it ends on an even page)."""
    return render_pdf(compose(content))


def grade_counts(rows: list[GradeRow]) -> str:
    """Return "优秀3个、良好5个、合格3个、不合格1个" (grades without pilots left out)."""
    counts = Counter(row.grade for row in rows)
    return "、".join(
        _("%(grade)s%(n)s个") % {"grade": grade_label(code), "n": counts[code]} for code in GRADE_ORDER if counts[code]
    )


def _pilot(pilot: str, province: str) -> str:
    """ "山东省青岛市"; a province-level pilot is named once ("江苏省", not "江苏省江苏省")."""
    if not province or pilot == province:
        return pilot
    return _("%(province)s%(pilot)s") % {"province": province, "pilot": pilot}


def _named(items: list[NamedReason], none: str) -> list[Paragraph]:
    if not items:
        return [Paragraph(none)]
    return [
        Paragraph(
            _("%(n)s.%(pilot)s：%(reason)s")
            % {"n": n, "pilot": _pilot(item.pilot, item.province), "reason": item.reason}
        )
        for n, item in enumerate(items, start=1)
    ]


def _listed(items: list[str], none: str) -> list[Paragraph]:
    texts = [item for item in items if item.strip()]
    if not texts:
        return [Paragraph(none)]
    return [Paragraph(_("%(n)s.%(text)s") % {"n": n, "text": text}) for n, text in enumerate(texts, start=1)]


def ranking_table(content: BulletinContent) -> Table:
    """The grades and rankings, best first: 排名, 试点地区, 所在省份, 批次, 综合得分, 等次."""
    rows = sorted(content.grades, key=lambda row: (row.rank, row.province, row.pilot))
    return Table(
        header=[_("排名"), _("试点地区"), _("所在省份"), _("批次"), _("综合得分"), _("等次")],
        rows=[
            [
                str(row.rank),
                row.pilot,
                row.province,
                row.batch,
                formatting.number(row.score, content.score_decimals),
                grade_label(row.grade),
            ]
            for row in rows
        ],
        widths=[1.3, 4.2, 3.6, 1.8, 2.0, 1.6],
        align=["center", "left", "left", "center", "right", "center"],
        repeat_header=True,
    )


# A 2号 title line holds 20 characters (22 pt each in the 442 pt block); Latin letters and digits take half.
TITLE_LINE_EMS = 20
# Where a bulletin's title may break without splitting a word (GB/T 9704 7.3.3: 回行时要做到词意完整).
_BREAK_AFTER = ("办公厅", "委员会", "关于", "年度", "城镇化", "试点", "评估")
_BREAK_BEFORE = ("的通报",)
_KEEP_TOGETHER = ("试点地区", "试点城市", "评估结果", "评估情况", "动态退出")


def _ems(text: str) -> float:
    return sum(0.5 if ord(char) < 0x2E80 else 1.0 for char in text)


def title_lines(title: str, *, width: float = TITLE_LINE_EMS) -> list[str]:
    """Break a long title into the fewest, most even lines at word boundaries; [title] when it fits or cannot."""
    if _ems(title) <= width:
        return [title]
    cuts = {0, len(title)}
    for word in _BREAK_AFTER:
        cuts.update(i + len(word) for i in range(len(title)) if title.startswith(word, i))
    for word in _BREAK_BEFORE:
        cuts.update(i for i in range(len(title)) if title.startswith(word, i))
    for word in _KEEP_TOGETHER:
        for i in range(len(title)):
            if title.startswith(word, i):
                cuts -= set(range(i + 1, i + len(word)))
    inner = sorted(cuts - {0, len(title)})
    for count in range(2, 5):
        fits = []
        for chosen in itertools.combinations(inner, count - 1):
            bounds = [0, *chosen, len(title)]
            lines = [title[a:b] for a, b in itertools.pairwise(bounds)]
            widths = [_ems(line) for line in lines]
            if max(widths) <= width:
                fits.append((max(widths) - min(widths), lines))
        if fits:
            return min(fits, key=lambda fit: fit[0])[1]
    return [title]


def _compose(content: BulletinContent) -> OfficialDocument:
    year = formatting.period(str(content.year))  # 2018年度
    document = OfficialDocument(
        title=content.title,
        title_lines=title_lines(content.title),
        kind=Kind.DOWNWARD,
        issuer_mark=content.issuer,
        number=content.number,
        recipients=list(content.recipients),
        attachments=list(content.attachments),
        signature=content.issuer,
        date=content.issued_on,
        copies_to=list(content.copied_to),
        printed_by=content.printed_by or content.issuer,
        printed_on=content.issued_on,
        is_demo=content.is_demo,
    )
    blocks = document.blocks
    blocks.append(
        Paragraph(
            _(
                "按照国家新型城镇化综合试点工作安排，我委组织对%(n)s个试点地区%(year)s工作进行了评估。"
                "现将评估结果通报如下。"
            )
            % {"n": len(content.grades), "year": year}
        )
    )

    blocks.append(Heading(1, _("评估总体情况")))
    if content.grades:
        summary = _("参加%(year)s评估的试点地区共%(n)s个，评估等次为%(counts)s。") % {
            "year": year,
            "n": len(content.grades),
            "counts": grade_counts(content.grades),
        }
        ranked = sorted(content.grades, key=lambda r: r.rank)
        best = [_pilot(r.pilot, r.province) for r in ranked if r.grade == EXCELLENT]
        blocks.append(Paragraph(summary))
        if best:
            blocks.append(Paragraph(_("评估等次为优秀的试点地区是：%(names)s。") % {"names": "、".join(best)}))
    else:
        blocks.append(Paragraph(_("本年度没有试点地区参加评估。")))

    blocks.append(Heading(1, _("评估等次和排名")))
    if content.grades:
        blocks.append(Paragraph(_("各试点地区综合得分、评估等次和排名如下表。")))
        blocks.append(ranking_table(content))
    else:
        blocks.append(Paragraph(_("本年度无评估排名。")))

    blocks.append(Heading(1, _("预警和退出")))
    blocks.append(Heading(2, _("预警的试点地区")))
    blocks.extend(_named(content.warned, _("本年度没有预警的试点地区。")))
    blocks.append(Heading(2, _("退出的试点地区")))
    blocks.extend(_named(content.eliminated, _("本年度没有退出的试点地区。")))

    blocks.append(Heading(1, _("典型经验")))
    blocks.extend(_listed(content.experiences, _("本年度评估未遴选典型经验。")))

    blocks.append(Heading(1, _("存在的共性问题")))
    blocks.extend(_listed(content.problems, _("本年度评估未发现需要通报的共性问题。")))

    blocks.append(Heading(1, _("下一步工作要求")))
    asks = _("请各有关省（区、市）发展改革委督促指导试点地区对照评估发现的问题抓好整改，认真总结推广典型经验。")
    if content.warned:
        asks += _("被预警的试点地区要在整改期限内完成整改，并按时报送整改情况。")
    blocks.append(Paragraph(asks))
    return document
