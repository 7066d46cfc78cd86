"""The contact list in the annex-3 layout (附件3) as XLSX: one row per pilot, then the commissions and ministries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from shidian.contacts.fields import BATCH, NUMBER, PERSON_COLUMNS, PILOT, PROVINCE, UNIT
from shidian.contacts.models import ContactEntry
from shidian.core import formatting
from shidian.core.documents import xlsx


def _columns() -> list[xlsx.Column]:
    """The pilots' sheet: the annex-3 layout that a province's upload reads back."""
    return [
        xlsx.Column(NUMBER, 6, xlsx.INTEGER_FORMAT),
        xlsx.Column(PROVINCE, 14),
        xlsx.Column(PILOT, 16),
        xlsx.Column(BATCH, 6, xlsx.INTEGER_FORMAT),
        *(xlsx.Column(c.header, c.width) for c in PERSON_COLUMNS),
    ]


def _unit_columns() -> list[xlsx.Column]:
    """The commissions' and ministries' sheet: the holder is a unit (单位), which has no batch."""
    return [
        xlsx.Column(NUMBER, 6, xlsx.INTEGER_FORMAT),
        xlsx.Column(PROVINCE, 14),
        xlsx.Column(UNIT, 22),
        *(xlsx.Column(c.header, c.width) for c in PERSON_COLUMNS),
    ]


def contact_list_xlsx(*, entries: Iterable[ContactEntry], day: dt.date) -> bytes:
    """The list in force on ``day``; a province's upload in the same layout reads back (header row first)."""
    book = xlsx.workbook()
    pilots: list[ContactEntry] = []
    units: list[ContactEntry] = []
    for entry in entries:
        (pilots if entry.pilot_id else units).append(entry)
    rows = [
        [
            number,
            e.province.name if e.province else "",
            e.pilot.name if e.pilot else "",
            e.pilot.batch.number if e.pilot else None,
            *(getattr(e, c.field) for c in PERSON_COLUMNS),
        ]
        for number, e in enumerate(pilots, start=1)
    ]
    xlsx.add_sheet(book, _("试点地区"), _columns(), rows)
    unit_rows = [
        [
            number,
            e.province.name if e.province else "",
            e.organisation.name_on(day) if e.organisation else "",  # 国土资源部 on a list before 2018
            *(getattr(e, c.field) for c in PERSON_COLUMNS),
        ]
        for number, e in enumerate(units, start=1)
    ]
    if unit_rows:
        xlsx.add_sheet(book, _("省级发展改革部门和部委"), _unit_columns(), unit_rows)
    xlsx.add_notes(
        book,
        _("说明"),
        [
            _("试点工作负责人和工作联系人名单（附件3格式），截至 %(date)s。") % {"date": formatting.date(day)},
            _("本表含个人联系方式，仅供试点工作联系使用，不得公开或转作他用。"),
            _("省级发展改革部门可按本表格式（一行一个试点）填写后上传。"),
        ],
    )
    return xlsx.to_bytes(book)
