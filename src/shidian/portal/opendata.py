"""Open data (开放数据): the published registry as CSV and JSON, described column by column.

One table, ``REGISTRY_COLUMNS``, gives each column its key, its Chinese label, its type and its meaning; the
CSV header, the JSON keys and the data dictionary page all read it, so they cannot disagree.
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
