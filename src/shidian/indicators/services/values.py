"""Indicator values: validate, write a version, save a pilot's period, recompute the derived ones."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db import models, transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock
from shidian.core.errors import DomainError
from shidian.core.periods import Period
from shidian.indicators import aggregates, formulas, permissions
from shidian.indicators.models import (
    REPORTED,
    ImportJob,
    Indicator,
    IndicatorPeriod,
    IndicatorValue,
    PeriodType,
    ValueSource,
    ValueStatus,
    ValueType,
)
from shidian.indicators.services.reviews import submit_values
from shidian.pilots.models import PilotArea


class ValuesRejected(DomainError):
    """Some submitted values are invalid; nothing was saved. ``errors`` maps indicator codes to messages."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(_("有 %(count)d 项数据不正确，未保存任何数据。") % {"count": len(errors)})
        self.errors = dict(errors)


def stage_year(pilot: PilotArea) -> int:
    """Stage-results year of the pilot's batch, from the registry (batches 1-2 by 2017, batch 3 by 2018)."""
    return pilot.batch.stage_year


@functools.cache
def _integer_digits() -> tuple[int, Decimal]:
    """The integer digits the value column holds, and the first value it cannot (read once: an import asks per row)."""
    stored = IndicatorValue._meta.get_field("value")
    digits = int(stored.max_digits or 20) - int(stored.decimal_places or 0)
    return digits, Decimal(10) ** digits


def validate_value(indicator: Indicator, raw: str | Decimal | int | float | None) -> Decimal:
    """The value as a Decimal, or DomainError saying (in Chinese) why it is not acceptable."""
    if isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("，", "")
        if indicator.value_type == ValueType.YES_NO:
            text = {"是": "1", "否": "0", "yes": "1", "no": "0"}.get(text.lower(), text)
        if indicator.value_type == ValueType.PERCENT:
            text = text.removesuffix("%")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise DomainError(_("“%(value)s”不是数字。") % {"value": raw}) from None
    elif raw is None:
        raise DomainError(_("缺少数值。"))
    else:
        value = Decimal(str(raw))
    if not value.is_finite():
        raise DomainError(_("“%(value)s”不是数字。") % {"value": raw})
    digits, limit = _integer_digits()
    if abs(value) >= limit:
        raise DomainError(_("数值过大：整数部分最多 %(digits)d 位。") % {"digits": digits})
    if indicator.value_type == ValueType.YES_NO and value not in (0, 1):
        raise DomainError(_("只能填“是”或“否”（1 或 0）。"))
    if indicator.min_value is not None and value < indicator.min_value:
        raise DomainError(_("%(value)s 低于有效范围 %(range)s。") % {"value": value, "range": indicator.range_label})
    if indicator.max_value is not None and value > indicator.max_value:
        raise DomainError(_("%(value)s 超出有效范围 %(range)s。") % {"value": value, "range": indicator.range_label})
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > max(indicator.decimals, 0) + 4:
        raise DomainError(_("小数位数过多（最多 %(n)d 位）。") % {"n": indicator.decimals})
    return value


def open_period(code: str) -> Period:
    """The period if it exists and is open for entry, else DomainError."""
    period = Period.parse(code)
    if not IndicatorPeriod.objects.filter(code=period.code, is_open=True).exists():
        raise DomainError(_("期间“%(period)s”未开放填报。") % {"period": period.code})
    return period


def indicators_for_period(period: Period) -> models.QuerySet[Indicator]:
    """Indicators reported for ``period``: half-year ones in halves, annual ones in years."""
    period_type = PeriodType.YEAR if period.is_year else PeriodType.HALF_YEAR
    return Indicator.objects.active().with_category().filter(period_type=period_type)


def _write_value(
    *,
    pilot: PilotArea,
    indicator: Indicator,
    period: Period,
    value: Decimal,
    source: str,
    status: str,
    by: User,
    job: ImportJob | None = None,
    note: str = "",
) -> IndicatorValue | None:
    """Write one value: update a draft in place, or add a version after a submitted/accepted one."""
    current = (
        IndicatorValue.objects.select_for_update()
        .filter(pilot=pilot, indicator=indicator, period=period.code, is_current=True)
        .first()
    )
    now = clock.now()
    submitted_at = now if status == ValueStatus.SUBMITTED else None
    if current is not None and current.status == ValueStatus.DRAFT:
        if current.value == value and status == ValueStatus.DRAFT:
            return None
        before = audit.snapshot(current, ["value", "status", "source"])
        current.value, current.status, current.source = value, status, source
        current.entered_by, current.submitted_at, current.import_job = by, submitted_at, job
        current.save(update_fields=["value", "status", "source", "entered_by", "submitted_at", "import_job"])
        audit.record(
            action=audit.AuditAction.VALUE_CHANGED,
            actor=by,
            obj=current,
            changes=audit.diff(before, audit.snapshot(current, ["value", "status", "source"])),
        )
        return current
    if current is not None and current.value == value:
        return None  # submitted or accepted with the same value: nothing to correct
    version = 1
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
        version = current.version + 1
    row = IndicatorValue.objects.create(
        pilot=pilot,
        indicator=indicator,
        period=period.code,
        year=period.year,
        value=value,
        status=status,
        source=source,
        version=version,
        is_current=True,
        entered_by=by,
        submitted_at=submitted_at,
        import_job=job,
        note=note,
    )
    if job is None or source not in (ValueSource.IMPORT, ValueSource.API):  # a job's values: one event for the job
        audit.record(
            action=audit.AuditAction.VALUE_CORRECTED if version > 1 else audit.AuditAction.VALUE_CREATED,
            actor=by,
            obj=row,
            detail={"value": value, "version": version, "source": source, "status": status},
        )
    return row


@transaction.atomic
def save_values(
    *,
    pilot: PilotArea,
    period: Period,
    values: Mapping[str, str | Decimal | None],
    submit: bool = False,
    source: str = ValueSource.FORM,
    by: User,
) -> list[IndicatorValue]:
    """Save a pilot's values for a period; if any value is invalid nothing is saved (ValuesRejected)."""
    permissions.require_enter(by, pilot)
    open_period(period.code)
    indicators = {i.code: i for i in indicators_for_period(period)}
    errors: dict[str, str] = {}
    clean: dict[str, Decimal] = {}
    for code, raw in values.items():
        indicator = indicators.get(code)
        if indicator is None or indicator.is_computed:
            errors[code] = _("指标“%(code)s”不在本期填报范围内。") % {"code": code}
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        try:
            clean[code] = validate_value(indicator, raw)
        except DomainError as exc:
            errors[code] = exc.message
    if errors:
        raise ValuesRejected(errors)
    written = []
    for code, value in clean.items():
        row = _write_value(
            pilot=pilot,
            indicator=indicators[code],
            period=period,
            value=value,
            source=source,
            status=ValueStatus.DRAFT,
            by=by,
        )
        if row is not None:
            written.append(row)
    _refresh_rollups(pilot, period, written + _recompute(pilot=pilot, period=period, by=by))
    if submit:
        submit_values(pilot=pilot, period=period, by=by)
    return written


_STATUS_RANK: dict[str, int] = {ValueStatus.DRAFT: 0, ValueStatus.SUBMITTED: 1, ValueStatus.ACCEPTED: 2}


def _refresh_rollups(pilot: PilotArea, period: Period, written: list[IndicatorValue]) -> None:
    """Refresh the roll-ups of the written rows that count in monitoring or replaced one that did."""
    aggregates.refresh(
        (pilot.pk, row.indicator_id, period.code) for row in written if row.status in REPORTED or row.version > 1
    )


def recompute(*, pilot: PilotArea, period: Period, by: User) -> list[IndicatorValue]:
    """Store the computed indicators of a pilot and period from the current inputs (stored on change).

    A computed value takes the weakest status of its inputs; where an input is missing or a divisor is
    zero nothing is stored.
    """
    written = _recompute(pilot=pilot, period=period, by=by)
    _refresh_rollups(pilot, period, written)
    return written


def _recompute(*, pilot: PilotArea, period: Period, by: User) -> list[IndicatorValue]:
    computed = {i.code: i for i in indicators_for_period(period).exclude(formula="")}
    if not computed:
        return []
    order = formulas.evaluation_order({code: i.formula for code, i in computed.items()})
    rows = IndicatorValue.objects.filter(pilot=pilot, period=period.code, is_current=True).values_list(
        "indicator__code", "value", "status"
    )
    values: dict[str, Decimal | None] = {}
    statuses: dict[str, str] = {}
    for code, value, status in rows:
        values[code], statuses[code] = value, status
    written = []
    for code in order:
        indicator = computed[code]
        tree = formulas.parse(indicator.formula)
        result = formulas.evaluate(tree, values)
        if result.value is None:
            continue
        inputs = formulas.references(tree)
        status = min((statuses.get(c, ValueStatus.DRAFT) for c in inputs), key=lambda s: _STATUS_RANK[s])
        value = result.value.quantize(Decimal(1).scaleb(-indicator.decimals))
        values[code], statuses[code] = value, status
        existing = IndicatorValue.objects.filter(
            pilot=pilot, indicator=indicator, period=period.code, is_current=True
        ).first()
        if existing is not None and existing.value == value:
            continue  # unchanged; its status moves with the inputs through the submit and accept services
        row = _write_value(
            pilot=pilot,
            indicator=indicator,
            period=period,
            value=value,
            source=ValueSource.COMPUTED,
            status=status,
            by=by,
        )
        if row is not None:
            written.append(row)
    return written
