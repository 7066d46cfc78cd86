"""A province's annex-3 file (附件3) checked row by row into changes; nothing is written until every row is valid.

Each column's rule lives in ``fields.PERSON_COLUMNS`` (shared with the form and the export); the leading
columns say which pilot a row is about and are checked here: the province must be the uploader's, the pilot
one of the round's pilots of that province, each pilot once, and a full round must list every pilot.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.contacts import permissions
from shidian.contacts.fields import PERSON_COLUMNS, PILOT, PROVINCE, clean_person
from shidian.contacts.models import ContactSubmission
from shidian.contacts.selectors import round_pilots
from shidian.contacts.services import write_version
from shidian.core import audit
from shidian.core.actors import SystemActor
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import ImportRejected, NotFound, RowError
from shidian.core.tables import read_table
from shidian.pilots.models import PilotArea
from shidian.regions.models import Province

REQUIRED_HEADERS = (PROVINCE, PILOT, *(c.header for c in PERSON_COLUMNS if c.field != "fax"))


@dataclass
class PlannedRow:
    row: int
    pilot: PilotArea
    values: dict[str, str]


type Problems = list[tuple[str, str]]  # (column, message) of one row


def _pilot_problems(
    cells: dict[str, str],
    *,
    province: Province,
    expected: dict[str, PilotArea],
    elsewhere: dict[str, str],
    seen: dict[str, int],
    number: int,
) -> tuple[PilotArea | None, Problems]:
    """The row's pilot: one of this round's pilots of the submitting province, once."""
    problems: Problems = []
    given_province, name = cells.get(PROVINCE, ""), cells.get(PILOT, "")
    if given_province != province.name:
        problems.append(
            (
                PROVINCE,
                _("应为本省“%(province)s”，实际为“%(value)s”：只能报送本省的试点。")
                % {"province": province.name, "value": given_province},
            )
        )
    pilot = expected.get(name)
    if pilot is None:
        if not name:
            problems.append((PILOT, _("试点地区不能为空。")))
        elif name in elsewhere:
            problems.append(
                (
                    PILOT,
                    _("“%(name)s”是%(other)s的试点，不属于本省，不能由本省报送。")
                    % {"name": name, "other": elsewhere[name]},
                )
            )
        else:
            problems.append(
                (
                    PILOT,
                    _("“%(name)s”不是本轮本省的试点（本轮试点：%(expected)s）。")
                    % {"name": name, "expected": "、".join(expected) or _("无")},
                )
            )
    elif name in seen:
        problems.append((PILOT, _("与第 %(other)d 行重复：每个试点只填一行。") % {"other": seen[name]}))
    else:
        seen[name] = number
    return pilot, problems


def _person_problems(cells: dict[str, str], *, changes_only: bool) -> tuple[dict[str, str], Problems]:
    """The row's leader and contact, cleaned; every column filled unless the round asks for changes only."""
    person = {c.field: cells.get(c.header, "") for c in PERSON_COLUMNS}
    cleaned, refused = clean_person(person)
    problems: Problems = []
    for column in PERSON_COLUMNS:
        if column.field in refused:
            problems.append((column.header, refused[column.field]))
        elif not cleaned[column.field] and column.field != "fax" and not changes_only:
            problems.append((column.header, _("%(column)s不能为空。") % {"column": column.header}))
    return cleaned, problems


def plan_upload(*, submission: ContactSubmission, content: bytes) -> list[PlannedRow]:
    """Validate every row; raise ImportRejected with all errors (row and column named), or return the rows."""
    table = read_table(content, max_bytes=settings.REGISTRY_IMPORT_MAX_BYTES)
    missing = [h for h in REQUIRED_HEADERS if h not in table.header]
    if missing:
        raise ImportRejected(
            [RowError(row=1, column=h, sheet=table.sheet, message=_("缺少必需的列。")) for h in missing]
        )
    if not table.rows:
        raise ImportRejected([RowError(row=None, column=None, sheet=table.sheet, message=_("文件没有数据行。"))])
    province = submission.province
    changes_only = submission.round.changes_only
    expected = {p.name: p for p in round_pilots(contact_round=submission.round, province_id=province.pk)}
    elsewhere = {
        p.name: p.province.name
        for p in PilotArea.objects.exclude(province=province).select_related("province").only("name", "province")
    }
    errors: list[RowError] = []
    planned: list[PlannedRow] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        pilot, problems = _pilot_problems(
            cells, province=province, expected=expected, elsewhere=elsewhere, seen=seen, number=number
        )
        cleaned, person_problems = _person_problems(cells, changes_only=changes_only)
        problems += person_problems
        errors += [RowError(row=number, column=c, sheet=table.sheet, message=m) for c, m in problems]
        if not problems and pilot is not None:
            planned.append(PlannedRow(number, pilot, cleaned))
    if not changes_only:
        errors += [
            RowError(
                row=None,
                column=PILOT,
                sheet=table.sheet,
                message=_("缺少试点“%(name)s”：本轮须报送本省每个试点的负责人和联系人。") % {"name": name},
            )
            for name in expected
            if name not in seen
        ]
    if errors:
        raise ImportRejected(errors)
    return planned


def apply_upload(
    *, submission: ContactSubmission, content: bytes, by: User | SystemActor, is_demo: bool = False
) -> int:
    """Check the file, then record every changed row as a new version; return how many changed.

    A refused file writes nothing but its audit event (who tried, how many errors).
    """
    if not permissions.can_edit_submission(by, submission):
        raise NotFound
    try:
        rows = plan_upload(submission=submission, content=content)
    except ImportRejected as rejected:
        audit.record(
            action=AuditAction.CONTACTS_UPLOAD_REJECTED,
            actor=by,
            obj=submission,
            success=False,
            detail={"errors": len(rejected.errors), "first": [str(e) for e in rejected.errors[:20]]},
        )
        raise
    with transaction.atomic():
        changed = 0
        for row in rows:
            entry = write_version(
                pilot=row.pilot,
                organisation=None,
                values=row.values,
                by=by,
                contact_round=submission.round,
                is_demo=is_demo,
            )
            changed += entry is not None
        audit.record(
            action=AuditAction.CONTACTS_UPLOADED,
            actor=by,
            obj=submission,
            detail={"rows": len(rows), "changed": changed},
        )
    return changed
