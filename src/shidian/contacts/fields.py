"""The annex-3 layout (附件3): one row per pilot, the leader's and the contact person's columns, and their rules.

The same table drives the form's labels, the upload's column checks and the national export, so a file the
platform writes can be filled in and uploaded again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from shidian.contacts.validators import CellRefused, normalise_email, normalise_landline, normalise_mobile


def _text(max_length: int) -> Callable[[str, str], str]:
    def rule(raw: str, label: str) -> str:
        if len(raw) > max_length:
            raise CellRefused(
                _("%(label)s过长（最多 %(max)d 字，实际 %(length)d 字）。")
                % {"label": label, "max": max_length, "length": len(raw)}
            )
        return raw

    return rule


def _landline(raw: str, label: str) -> str:
    return normalise_landline(raw, label=label)


def _mobile(raw: str, label: str) -> str:
    return normalise_mobile(raw, label=label)


def _email(raw: str, label: str) -> str:
    return normalise_email(raw, label=label)


@dataclass(frozen=True)
class PersonColumn:
    field: str  # ContactEntry field
    header: str  # the column header of the annex-3 layout (and how errors name it)
    rule: Callable[[str, str], str]
    width: float = 14


# The leader (试点工作负责人) and the contact person (工作联系人), in the order of the layout.
PERSON_COLUMNS: tuple[PersonColumn, ...] = (
    PersonColumn("leader_name", "负责人姓名", _text(40), 10),
    PersonColumn("leader_post", "负责人职务", _text(100), 18),
    PersonColumn("leader_organisation", "负责人单位", _text(100), 20),
    PersonColumn("contact_name", "联系人姓名", _text(40), 10),
    PersonColumn("contact_organisation_post", "联系人单位及职务", _text(150), 24),
    PersonColumn("office_phone", "办公电话", _landline, 16),
    PersonColumn("mobile", "手机", _mobile, 14),
    PersonColumn("fax", "传真", _landline, 16),
    PersonColumn("email", "电子邮箱", _email, 24),
)
HEADERS = {c.field: c.header for c in PERSON_COLUMNS}
# The leading columns that say which pilot a row is about.
NUMBER, PROVINCE, PILOT, BATCH = "序号", "省份", "试点地区", "批次"
LAYOUT = (NUMBER, PROVINCE, PILOT, BATCH, *(c.header for c in PERSON_COLUMNS))
# The export's sheet of provincial commissions and ministries names the unit instead (a unit has no batch).
UNIT = "单位"


def clean_person(values: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Every person field normalised, and the refusals by field (each message names its column)."""
    cleaned: dict[str, str] = {}
    refused: dict[str, str] = {}
    for column in PERSON_COLUMNS:
        raw = str(values.get(column.field, "") or "").strip()
        try:
            cleaned[column.field] = column.rule(raw, column.header)
        except CellRefused as exc:
            refused[column.field] = exc.message
    return cleaned, refused
