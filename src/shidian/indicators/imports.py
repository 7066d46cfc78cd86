"""Bulk import of indicator values from XLSX or CSV (long format: one row per area, indicator and period).

Why long format: the table has the shape of the stored data, any number of indicators and periods fits
in one sheet, and every error points at one row and one column.
Rows with a blank 数值 are skipped. Columns (Chinese headers, template from
``template_xlsx``): 省级单位, 试点地区, 指标代码, 期间, 数值; 指标名称, 单位 and 说明 are optional and only
help the person filling it in.

Every row is validated first and all errors are reported by sheet, row and column. Nothing is written
unless every row is valid, or the uploader chose to import only the valid rows. Files of more than
``BACKGROUND_ROWS`` rows are processed by a background task that reports progress.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, db, scoping
from shidian.core.documents import xlsx as sheets
from shidian.core.errors import Conflict, DomainError, ImportRejected, RowError
from shidian.core.periods import Period
from shidian.core.roles import Capability
from shidian.core.tables import StreamedTable, Table, open_table
from shidian.indicators import bulk, services
from shidian.indicators.models import (
    ImportJob,
    ImportMode,
    ImportState,
    Indicator,
    IndicatorPeriod,
    IndicatorValue,
    PeriodType,
    ValueSource,
    ValueStatus,
)
from shidian.pilots.models import PilotArea

IMPORT_MAX_BYTES = 20 * 1024 * 1024  # an XLSX is read whole
CSV_MAX_BYTES = 256 * 1024 * 1024  # a CSV is streamed: read, validated and written a chunk at a time
WRITE_CHUNK = 5000  # valid rows written per set-based write (indicators.bulk)
BACKGROUND_ROWS = 10_000
PROGRESS_EVERY = 500
MAX_REPORTED_ERRORS = 2000

COL_PROVINCE = "省级单位"
COL_PILOT = "试点地区"
COL_CODE = "指标代码"
COL_PERIOD = "期间"
COL_VALUE = "数值"
COL_NAME = "指标名称"
COL_UNIT = "单位"
COL_NOTE = "说明"
TEMPLATE_COLUMNS = [COL_PROVINCE, COL_PILOT, COL_CODE, COL_NAME, COL_UNIT, COL_PERIOD, COL_VALUE, COL_NOTE]


@dataclass(frozen=True)
class ValidRow:
    row: int
    pilot: PilotArea
    indicator: Indicator
    period: Period
    value: Decimal
    note: str


def _require_import(user: User) -> None:
    if not scoping.can(user, Capability.IMPORT_INDICATORS):
        raise DomainError(_("您没有导入指标数据的权限。"))


def template_xlsx(*, user: User, period: Period) -> bytes:
    """A template with one row per visible pilot and entered indicator of ``period``, values empty."""
    _require_import(user)
    pilots = scoping.restrict(PilotArea.objects.select_related("province"), user).order_by("province__code", "name")
    indicators = [i for i in services.indicators_for_period(period) if not i.is_computed]
    book = sheets.workbook()
    widths = {"省级单位": 18, "试点地区": 20, "指标代码": 12, "指标名称": 30, "单位": 8, "期间": 10, "数值": 12}
    sheets.add_sheet(
        book,
        _("指标数据"),
        [sheets.Column(c, widths.get(c, 16)) for c in TEMPLATE_COLUMNS],
        (
            [pilot.province.name, pilot.name, indicator.code, indicator.name, indicator.unit, period.code]
            for pilot in pilots
            for indicator in indicators
        ),
    )
    sheets.add_notes(
        book,
        _("填写说明"),
        [
            _("每行一个地区、一个指标、一个期间的数值；必填列：省级单位、试点地区、指标代码、期间、数值。"),
            _("期间写作 2018（年度指标）或 2018H1、2018H2（半年指标）。"),
            _("“是/否”指标填 是 或 否（或 1、0）；百分比指标填数字，例如 45.3。"),
            _("只读取第一个工作表；指标名称、单位、说明列仅供参考。"),
        ],
    )
    return sheets.to_bytes(book)


@transaction.atomic
def start_import(*, content: bytes, file_name: str, mode: str, by: User) -> ImportJob:
    """Check and store an upload; small files are processed at once, large ones by a background task."""
    _require_import(by)
    if mode not in ImportMode.values:
        raise DomainError(_("导入方式不正确。"))
    table = _open(content)  # size, type by content and zip bomb first
    missing = [c for c in REQUIRED if c not in table.header]
    if missing:
        raise DomainError(_("缺少必填列：%(columns)s。") % {"columns": "、".join(missing)})
    organisation = by.organisation
    total = len(table.rows) if isinstance(table, Table) else table.count()
    job = ImportJob.objects.create(
        file_name=file_name[:200],
        content=b"",  # stored below in the binary format, not as the ORM's hex literal
        mode=mode,
        total_rows=total,
        created_by=by,
        province_id=getattr(organisation, "province_id", None),
        pilot_id=getattr(organisation, "pilot_id", None),
    )
    db.write_bytes(ImportJob, job.pk, "content", content)
    job.content = content
    audit.record(
        action=audit.AuditAction.IMPORT_UPLOADED,
        actor=by,
        obj=job,
        detail={"rows": job.total_rows, "mode": mode, "background": job.total_rows > BACKGROUND_ROWS},
    )
    if job.total_rows > BACKGROUND_ROWS:
        from shidian.indicators.tasks import process_import_job

        job_id = job.pk
        transaction.on_commit(lambda: process_import_job.enqueue(job_id))
        return job
    return process_job(job=job, table=table)


def run_job(job_id: int) -> ImportJob:
    """Entry point of the background task: re-read the stored file and process it."""
    job = ImportJob.objects.select_related("created_by", "created_by__organisation").defer("content").get(pk=job_id)
    if job.state != ImportState.QUEUED:
        return job
    try:
        table = _open(db.read_bytes(ImportJob, job.pk, "content"))  # once, not through the ORM's hex text
        return process_job(job=job, table=table)
    except DomainError as exc:
        return services.move_job(
            job, ImportState.FAILED, by=job.created_by, errors=[exc.message], finished_at=timezone.now()
        )


def _open(content: bytes) -> Table | StreamedTable:
    return open_table(content, max_bytes=CSV_MAX_BYTES, xlsx_max_bytes=IMPORT_MAX_BYTES)


def _progress(job: ImportJob, processed: int) -> None:
    # Outside the write transaction's rows: the progress bar polls this column.
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed)
    if job.state == ImportState.QUEUED:
        job.state = services.move_job(job, ImportState.RUNNING, by=job.created_by).state


class CellRefused(Exception):
    """A cell's value is refused; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Lookups:
    """What the rules look values up in, read once per file for the importing user."""

    pilots: dict[tuple[str, str], PilotArea]
    visible: set[int]
    indicators: dict[str, Indicator]
    open_periods: set[str]
    periods: dict[str, Period] = field(default_factory=dict)  # each period code as written, parsed

    @classmethod
    def load(cls, user: User) -> Lookups:
        return cls(
            pilots={(p.province.name, p.name): p for p in PilotArea.objects.select_related("province", "batch")},
            visible=set(scoping.restrict(PilotArea.objects.all(), user).values_list("pk", flat=True)),
            indicators={i.code: i for i in Indicator.objects.active()},
            open_periods=set(IndicatorPeriod.objects.filter(is_open=True).values_list("code", flat=True)),
        )


# A rule gets the raw cell, the whole raw row and the values parsed so far (rules run in order); it returns
# the value (None: nothing to check, another rule already said why) or raises CellRefused.
Rule = Callable[[str, Mapping[str, str], dict[str, Any], Lookups], Any]


def _text(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: Lookups) -> str:
    return raw


# A pushed row names its pilot by id; one outside the caller's reach keeps only "#<id>" for the message.
PUSHED_PILOT_MARK = "#"


def _pilot(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: Lookups) -> PilotArea:
    pilot = refs.pilots.get((parsed["province"], raw))
    if pilot is None or pilot.pk not in refs.visible:
        # One message for a missing and a hidden pilot, echoing only what the user typed: the import
        # must not tell whether another province's pilot exists (scope does not leak through messages).
        pushed_id = raw.removeprefix(PUSHED_PILOT_MARK)
        if not parsed["province"] and raw.startswith(PUSHED_PILOT_MARK) and pushed_id.isdigit():
            raise CellRefused(_("找不到地区（编号 %(id)s）。") % {"id": pushed_id})
        raise CellRefused(_("找不到地区“%(province)s %(pilot)s”。") % {"province": parsed["province"], "pilot": raw})
    return pilot


def _indicator(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: Lookups) -> Indicator:
    indicator = refs.indicators.get(raw)
    if indicator is None:
        raise CellRefused(_("未知的指标代码“%(code)s”。") % {"code": raw})
    return indicator


def _entered(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: Lookups) -> bool:
    indicator: Indicator | None = parsed.get("indicator")
    if indicator is not None and indicator.is_computed:
        raise CellRefused(_("指标“%(name)s”由公式计算，不能导入。") % {"name": indicator.name})
    return True


def _period(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: Lookups) -> Period:
    period = refs.periods.get(raw)
    if period is None:
        try:
            period = Period.parse(raw)
        except DomainError as exc:
            raise CellRefused(exc.message) from exc
        refs.periods[raw] = period  # a file names a few periods on every row: parsed once each
    if period.code not in refs.open_periods:
        raise CellRefused(_("期间“%(period)s”未开放填报。") % {"period": period.code})
    indicator: Indicator | None = parsed.get("indicator")
    if indicator is not None and (indicator.period_type == PeriodType.YEAR) != period.is_year:
        raise CellRefused(
            _("指标“%(name)s”按%(type)s填报，期间“%(period)s”不符。")
            % {"name": indicator.name, "type": indicator.get_period_type_display(), "period": period.code}
        )
    return period


def _value(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: Lookups) -> Decimal | None:
    indicator: Indicator | None = parsed.get("indicator")
    if indicator is None:
        return None  # the code's rule has said why
    try:
        return services.validate_value(indicator, raw)
    except DomainError as exc:
        raise CellRefused(exc.message) from exc


def _note(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: Lookups) -> str:
    limit = IndicatorValue._meta.get_field("note").max_length or 200
    if len(raw) > limit:
        raise CellRefused(_("最多 %(limit)d 个字符，现有 %(length)d 个。") % {"limit": limit, "length": len(raw)})
    return raw


@dataclass(frozen=True)
class Column:
    name: str  # the parsed value's name
    header: str  # the column it reads and errors name
    required: bool  # the file must have the column
    rule: Rule


COLUMNS: tuple[Column, ...] = (
    Column("province", COL_PROVINCE, True, _text),
    Column("pilot", COL_PILOT, True, _pilot),
    Column("indicator", COL_CODE, True, _indicator),
    Column("entered", COL_CODE, True, _entered),
    Column("period", COL_PERIOD, True, _period),
    Column("value", COL_VALUE, True, _value),
    Column("note", COL_NOTE, False, _note),
)
REQUIRED = list(dict.fromkeys(c.header for c in COLUMNS if c.required))


def validate_rows(
    *, table: Table | StreamedTable, user: User, job: ImportJob | None = None
) -> tuple[list[ValidRow], list[RowError]]:
    """Check every row; return the valid ones and every error located by sheet, row and column."""
    errors: list[RowError] = []
    valid = list(_validated(table=table, refs=Lookups.load(user), errors=errors, job=job))
    return valid, errors


def _validated(
    *, table: Table | StreamedTable, refs: Lookups, errors: list[RowError], job: ImportJob | None
) -> Iterator[ValidRow]:
    """Yield each valid row as it is read, appending every error to ``errors`` (row by row, never the file)."""
    # Duplicates: one int per row seen (pilot, indicator, period packed), to the row number it was first on.
    seen: dict[int, int] = {}
    period_index: dict[str, int] = {}
    for index, (number, cells) in enumerate(table.rows, start=1):
        if job is not None and index % PROGRESS_EVERY == 0:
            _progress(job, index)
        if not cells.get(COL_VALUE, "").strip():
            continue  # a blank value is "not reported" (the template leaves every value blank)
        before = len(errors)
        parsed: dict[str, Any] = {}
        for column in COLUMNS:
            try:
                parsed[column.name] = column.rule(cells.get(column.header, ""), cells, parsed, refs)
            except CellRefused as refused:
                errors.append(RowError(row=number, column=column.header, message=refused.message, sheet=table.sheet))
        if len(errors) > before or any(parsed.get(k) is None for k in ("pilot", "indicator", "period", "value")):
            continue
        row = ValidRow(number, parsed["pilot"], parsed["indicator"], parsed["period"], parsed["value"], parsed["note"])
        code = row.period.code
        key = ((row.pilot.pk << 20 | row.indicator.pk) << 16) | period_index.setdefault(code, len(period_index))
        first = seen.setdefault(key, number)
        if first != number:
            message = _("与第 %(row)d 行重复（同一地区、指标和期间）。") % {"row": first}
            errors.append(RowError(row=number, column=COL_CODE, message=message, sheet=table.sheet))
            continue
        yield row


def process_job(*, job: ImportJob, table: Table | StreamedTable) -> ImportJob:
    """Validate every row and write the valid ones a chunk at a time, set-based; all of them, the valid only, or none.

    Streaming: rows are read, checked and written in chunks of ``WRITE_CHUNK`` inside one transaction; a file
    imported "all or nothing" that turns out to have an error is rolled back whole (its later rows are still
    checked, so every error is reported). Memory holds one chunk and one packed key per row, not the file.
    """
    user = job.created_by
    status = ValueStatus.DRAFT if scoping.scope_for(user).pilots is not None else ValueStatus.SUBMITTED
    refs = Lookups.load(user)
    errors: list[RowError] = []
    valid = written = 0
    all_or_nothing = job.mode == ImportMode.ALL_OR_NOTHING
    with transaction.atomic():
        chunk: list[ValidRow] = []
        for row in _validated(table=table, refs=refs, errors=errors, job=job):
            valid += 1
            if errors and all_or_nothing:
                continue  # nothing will be kept: only check the rest
            chunk.append(row)
            if len(chunk) >= WRITE_CHUNK:
                written += _write(job=job, rows=chunk, status=status, user=user)
                chunk = []
        rejected = (errors and all_or_nothing) or not valid
        if rejected:
            transaction.set_rollback(True)
        elif chunk:
            written += _write(job=job, rows=chunk, status=status, user=user)
    messages = [str(e) for e in errors[:MAX_REPORTED_ERRORS]]
    if rejected:
        services.move_job(
            job,
            ImportState.REJECTED if errors else ImportState.DONE,
            by=user,
            action=audit.AuditAction.IMPORT_REJECTED,
            detail={"errors": len(errors)},
            success=False,
            errors=messages,
            processed_rows=job.total_rows,
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        return job
    services.move_job(
        job,
        ImportState.DONE,
        by=user,
        detail={"rows": valid, "written": written, "skipped_with_errors": len(errors)},
        errors=messages,
        processed_rows=job.total_rows,
        written_rows=written,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def _write(
    *, job: ImportJob, rows: Sequence[ValidRow], status: str, user: User, source: str = ValueSource.IMPORT
) -> int:
    """Write valid rows with the API push's set-based path (indicators.bulk): the one-value path's rules."""
    result = bulk.write_values(
        values=[
            bulk.BulkValue(pilot_id=r.pilot.pk, indicator=r.indicator, period=r.period, value=r.value, note=r.note)
            for r in rows
        ],
        status=status,
        source=source,
        by=user,
        job=job,
    )
    return result.written


MAX_PUSH_ROWS = 20_000
# Where a pushed row's field is checked (the file columns that validate_rows reports against).
PUSH_FIELDS = {
    COL_PROVINCE: "pilot_id",
    COL_PILOT: "pilot_id",
    COL_CODE: "indicator",
    COL_PERIOD: "period",
    COL_VALUE: "value",
    COL_NOTE: "note",
}


@dataclass(frozen=True)
class PushRow:
    """One value sent by a provincial system: a pilot by id, an indicator by code, a period and a value."""

    pilot_id: int
    indicator: str
    period: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class PushResult:
    job: ImportJob
    replayed: bool


def _check_push(key: str, rows: Sequence[PushRow]) -> None:
    if not key or len(key) > 100:
        raise DomainError(_("请在请求头 Idempotency-Key 中提供 1 至 100 个字符的幂等键。"))
    if not rows:
        raise DomainError(_("没有要写入的数据。"))
    if len(rows) > MAX_PUSH_ROWS:
        raise DomainError(_("一次最多写入 %(limit)d 条数据。") % {"limit": MAX_PUSH_ROWS})


def _replay(*, key: str, digest: str, by: User) -> PushResult | None:
    """The first push under ``key`` when these are its rows; another push's key is a conflict; None: a new key."""
    earlier = ImportJob.objects.filter(created_by=by, idempotency_key=key).first()
    if earlier is None:
        return None
    if earlier.body_hash != digest:
        raise Conflict(_("幂等键“%(key)s”已用于另一份数据。") % {"key": key})
    return PushResult(job=earlier, replayed=True)


def _push_table(rows: Sequence[PushRow], by: User) -> Table:
    """The pushed rows as the table a file would give, for the file import's checks."""
    # Only pilots in the caller's reach get their names: a hidden pilot reads like a missing one.
    names = {
        pk: (province, name)
        for pk, province, name in scoping.restrict(PilotArea.objects.all(), by)
        .filter(pk__in={r.pilot_id for r in rows})
        .values_list("pk", "province__name", "name")
    }
    return Table(
        sheet=None,
        header=[*REQUIRED, COL_NOTE],
        rows=[
            (
                index,
                {
                    COL_PROVINCE: names.get(row.pilot_id, ("", ""))[0],
                    COL_PILOT: names.get(row.pilot_id, ("", f"{PUSHED_PILOT_MARK}{row.pilot_id}"))[1],
                    COL_CODE: row.indicator,
                    COL_PERIOD: row.period,
                    COL_VALUE: row.value,
                    COL_NOTE: row.note,
                },
            )
            for index, row in enumerate(rows)
        ],
    )


def push_values(*, rows: Sequence[PushRow], idempotency_key: str, by: User) -> PushResult:
    """Write pushed values all-or-nothing with the file import's checks; ``source = API``.

    The same Idempotency-Key with the same rows answers with the first push and writes nothing; the key
    with other rows is a conflict. A rejected push stores nothing, so the corrected rows may reuse the key.
    """
    _require_import(by)
    key = idempotency_key.strip()
    _check_push(key, rows)
    digest = hashlib.sha256(
        "\n".join(f"{r.pilot_id}\t{r.indicator}\t{r.period}\t{r.value}\t{r.note}" for r in rows).encode()
    ).hexdigest()
    replayed = _replay(key=key, digest=digest, by=by)
    if replayed is not None:
        return replayed
    # A blank value is "not reported" in a file; a pushed row must carry one.
    blank = [
        RowError(row=i, column="value", message=_("必须填写。")) for i, r in enumerate(rows) if not r.value.strip()
    ]
    if blank:
        raise ImportRejected(blank)
    valid, errors = validate_rows(table=_push_table(rows, by), user=by)
    if errors:
        audit.record(
            action=audit.AuditAction.API_VALUES_REJECTED,
            actor=by,
            success=False,
            detail={"rows": len(rows), "errors": len(errors), "idempotency_key": key},
        )
        raise ImportRejected(
            [RowError(row=e.row, column=PUSH_FIELDS.get(e.column or "", e.column), message=e.message) for e in errors]
        )
    try:
        job = _apply_push(rows=valid, total=len(rows), key=key, digest=digest, by=by)
    except IntegrityError:  # the same key pushed at the same moment by another call: answer as a replay would
        replayed = _replay(key=key, digest=digest, by=by)
        if replayed is None:
            raise Conflict(_("幂等键“%(key)s”已用于另一份数据。") % {"key": key}) from None
        return replayed
    return PushResult(job=job, replayed=False)


@transaction.atomic
def _apply_push(*, rows: list[ValidRow], total: int, key: str, digest: str, by: User) -> ImportJob:
    organisation = by.organisation
    job = ImportJob.objects.create(
        file_name="API",
        content=b"",
        mode=ImportMode.ALL_OR_NOTHING,
        state=ImportState.RUNNING,
        total_rows=total,
        created_by=by,
        province_id=getattr(organisation, "province_id", None),
        pilot_id=getattr(organisation, "pilot_id", None),
        idempotency_key=key,
        body_hash=digest,
    )
    status = ValueStatus.DRAFT if scoping.scope_for(by).pilots is not None else ValueStatus.SUBMITTED
    result = bulk.write_values(
        values=[
            bulk.BulkValue(pilot_id=r.pilot.pk, indicator=r.indicator, period=r.period, value=r.value, note=r.note)
            for r in rows
        ],
        status=status,
        source=ValueSource.API,
        by=by,
        job=job,
    )
    written = result.written
    services.move_job(
        job,
        ImportState.DONE,
        by=by,
        action=audit.AuditAction.API_VALUES_PUSHED,
        processed_rows=total,
        written_rows=written,
        finished_at=timezone.now(),
        detail={
            "rows": total,
            "written": written,
            "updated_drafts": result.updated_drafts,
            "new_versions": result.new_versions,
            "computed": result.computed,
            "idempotency_key": key,
        },
    )
    job.refresh_from_db()
    return job
