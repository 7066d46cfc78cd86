"""An official document (公文) as its GB/T 9704-2012 elements, composed by the apps and rendered here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What a document is: it decides which elements it carries."""

    UPWARD = "upward"  # 上行文: to a higher authority, with 签发人
    DOWNWARD = "downward"  # 下行文 / 平行文
    ATTACHMENT = "attachment"  # an attachment-style document (a plan): title, body, no 版头 or 版记


@dataclass(frozen=True)
class Heading:
    """A heading; the engine numbers it: level 1 一、(黑体), 2 （一）(楷体), 3 1.(仿宋), 4 （1）(仿宋)."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph (3号仿宋, first line indented two characters)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A compact table (小四 仿宋 cells, 黑体 header row); widths are relative.

    ``align`` gives each column's alignment ("left", "center", "right"; left by default); the header row is
    centred where its column is. ``repeat_header`` repeats the header row at the top of every page the table
    runs onto (a ranking of many pilots).
    """

    header: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None
    align: list[str] | None = None
    repeat_header: bool = False


Block = Heading | Paragraph | Table


@dataclass
class OfficialDocument:
    """The elements of one document; empty elements are left out."""

    title: str
    kind: Kind = Kind.DOWNWARD
    issuer_mark: str = ""  # 发文机关标志, e.g. 广西壮族自治区发展和改革委员会 (red 小标宋)
    number: str = ""  # 发文字号, e.g. 桂发改规划〔2019〕15号
    signer: str = ""  # 签发人 (上行文)
    recipients: list[str] = field(default_factory=list)  # 主送机关
    blocks: list[Block] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # 附件说明
    signature: str = ""  # 发文机关署名
    date: dt.date | None = None  # 成文日期
    copies_to: list[str] = field(default_factory=list)  # 抄送机关
    printed_by: str = ""  # 印发机关
    printed_on: dt.date | None = None  # 印发日期
    subtitle: str = ""
    is_demo: bool = False
    # The title as broken on the page, when the composer breaks it where the words allow (GB/T 9704 7.3.3:
    # 回行时要做到词意完整); empty lets the layout wrap it. Joined, the lines are the title.
    title_lines: list[str] = field(default_factory=list)


CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """Return 1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五 (up to 99)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return head + "十" + (CHINESE_DIGITS[ones] if ones else "")


def heading_label(level: int, n: int) -> str:
    """Return the number of the ``n``-th heading of ``level``: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{chinese_numeral(n)}、"
    if level == 2:
        return f"（{chinese_numeral(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"
