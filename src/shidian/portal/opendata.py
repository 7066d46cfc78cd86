"""Open data (开放数据): the published registry and the promoted experiences as CSV and JSON, column by column.

One table per file, ``REGISTRY_COLUMNS`` and ``EXPERIENCE_COLUMNS``, gives each column its key, its Chinese label,
its type and its meaning; the CSV header, the JSON keys and the data dictionary page all read it, so they cannot
disagree.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shidian.core import clock
from shidian.portal.selectors import PilotRow


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: str | Promise
    meaning: str | Promise
    value: Callable[[Any], Any]


REGISTRY_COLUMNS: Sequence[Column] = (
    Column(
        "id", _("编号"), _("整数"), _("门户中试点页面的编号（/portal/pilots/编号/），长期不变。"), lambda r: r.pilot.pk
    ),
    Column("name", _("试点地区"), _("文本"), _("列入试点时的名称。"), lambda r: r.pilot.name),
    Column("province", _("省级单位"), _("文本"), _("所在省、自治区、直辖市。"), lambda r: r.pilot.province.name),
    Column(
        "province_code",
        _("省级区划代码"),
        _("文本（2 位）"),
        _("国家标准行政区划代码的前两位。"),
        lambda r: r.pilot.province.code,
    ),
    Column(
        "batch", _("批次"), _("整数（1 至 3）"), _("第几批国家新型城镇化综合试点。"), lambda r: r.pilot.batch.number
    ),
    Column(
        "level", _("类型"), _("文本"), _("省、地级市、县级市、区、县、建制镇等。"), lambda r: r.pilot.get_kind_display()
    ),
    Column(
        "division_code",
        _("现行区划代码"),
        _("文本（6 位）或空"),
        _("现行行政区划代码；建制镇为其所在县级区划。"),
        lambda r: r.pilot.division.code if r.pilot.division else "",
    ),
    Column(
        "status", _("状态"), _("文本"), _("试点中、已警示、已退出或已完成。"), lambda r: r.pilot.get_status_display()
    ),
    Column(
        "focus_areas",
        _("重点领域"),
        _("文本列表"),
        _("已批准工作方案中任务所属的重点领域；CSV 中以“；”分隔，尚无已批准方案时为空。"),
        lambda r: [str(a.name) for a in r.focus_areas],
    ),
)


def _result(r: Any) -> str:
    return f"{r.what} {r.value.normalize():f}{r.unit}"


# Rows are published experiences (experiences.selectors.published_for_open_data): results and spread prefetched.
EXPERIENCE_COLUMNS: Sequence[Column] = (
    Column(
        "id",
        _("编号"),
        _("整数"),
        _("门户中经验页面的编号（/portal/experiences/编号/），长期不变。"),
        lambda e: e.pk,
    ),
    Column("title", _("标题"), _("文本"), _("典型经验的标题。"), lambda e: e.title),
    Column("pilot_id", _("试点编号"), _("整数"), _("提出经验的试点地区，即试点名录中的编号。"), lambda e: e.pilot_id),
    Column("pilot", _("试点地区"), _("文本"), _("提出经验的试点地区。"), lambda e: e.pilot.name),
    Column(
        "province", _("省级单位"), _("文本"), _("试点地区所在省、自治区、直辖市。"), lambda e: e.pilot.province.name
    ),
    Column(
        "focus_area", _("重点领域"), _("文本"), _("经验所属的重点领域（门户按主题浏览）。"), lambda e: e.focus_area.name
    ),
    Column(
        "focus_area_code",
        _("重点领域代码"),
        _("文本"),
        _("重点领域的代码（/portal/experiences/themes/代码/）。"),
        lambda e: e.focus_area.code,
    ),
    Column("batch", _("推广批次"), _("文本"), _("国家发展改革委推广该经验的批次。"), lambda e: e.batch.name),
    Column(
        "published_on",
        _("发布日期"),
        _("日期（如 2019-07-10）"),
        _("经验在门户发布的日期。"),
        lambda e: e.published_on.isoformat() if e.published_on else "",
    ),
    Column("summary", _("摘要"), _("文本"), _("经验的摘要；全文见门户中的经验页面。"), lambda e: e.summary),
    Column(
        "results",
        _("成效数据"),
        _("文本列表"),
        _("带数值的成效（成效 数值单位）；CSV 中以“；”分隔。"),
        lambda e: [_result(r) for r in e.results.all()],
    ),
    Column(
        "adopted_by",
        _("借鉴地区"),
        _("文本列表"),
        _("登记借鉴了这条经验的其他试点地区（按借鉴日期）；CSV 中以“；”分隔。"),
        lambda e: [a.pilot.name for a in e.spread],
    ),
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet never reads as a formula (CWE-1236)."""
    text = "；".join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def table_csv(columns: Sequence[Column], rows: Sequence[Any]) -> bytes:
    """UTF-8 with a byte-order mark (spreadsheets open it as Chinese), one header row of the keys."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow([_cell(c.value(row)) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_json(columns: Sequence[Column], rows: Sequence[Any], *, title: str, key: str) -> bytes:
    """The rows under ``key``, with the title, the date and the fields' meanings."""
    payload = {
        "title": title,
        "as_of": clock.today().isoformat(),
        "fields": [{"key": c.key, "label": str(c.label), "type": str(c.kind)} for c in columns],
        key: [{c.key: c.value(row) for c in columns} for row in rows],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def registry_csv(rows: Sequence[PilotRow]) -> bytes:
    return table_csv(REGISTRY_COLUMNS, rows)


def registry_json(rows: Sequence[PilotRow]) -> bytes:
    return table_json(REGISTRY_COLUMNS, rows, title=str(_("国家新型城镇化综合试点名录（公开数据）")), key="pilots")


def experiences_csv(rows: Sequence[Any]) -> bytes:
    return table_csv(EXPERIENCE_COLUMNS, rows)


def experiences_json(rows: Sequence[Any]) -> bytes:
    title = str(_("国家新型城镇化综合试点典型经验（公开数据）"))
    return table_json(EXPERIENCE_COLUMNS, rows, title=title, key="experiences")
