"""Writes of the indicator system: catalogue, targets, values and their versions, quality checks."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db import models, transaction
from django.db.models import Avg, Count, StdDev
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock, scoping, transitions
from shidian.core.actors import SystemActor
from shidian.core.errors import DomainError
from shidian.core.periods import Period
from shidian.core.roles import Capability
from shidian.indicators import formulas, permissions
from shidian.indicators.models import (
    ISSUE_FLOW,
    VALUE_FLOW,
    Aggregation,
    Comparator,
    DataQualityIssue,
    ImportJob,
    Indicator,
    IndicatorCategory,
    IndicatorPeriod,
    IndicatorValue,
    IssueKind,
    NationalTarget,
    Operator,
    PeriodType,
    PilotTarget,
    RuleKind,
    ValidationRule,
    ValueSource,
    ValueStatus,
    ValueType,
)
from shidian.pilots.models import PilotArea
from shidian.regions import services as region_services

FIRST_YEAR = 2016
LAST_YEAR = 2020
OUTLIER_Z = Decimal(3)
OUTLIER_MIN_GROUP = 5

_TARGET = re.compile(r"^\s*(?P<prefix>[≥≤]?)\s*(?P<number>-?\d+(?:\.\d+)?)\s*(?P<suffix>左右)?\s*$")


class ValuesRejected(DomainError):
    """Some submitted values are invalid; nothing was saved. ``errors`` maps indicator codes to messages."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(_("有 %(count)d 项数据不正确，未保存任何数据。") % {"count": len(errors)})
        self.errors = dict(errors)


# -- catalogue -------------------------------------------------------------------------------------


def parse_target(text: str) -> tuple[Decimal, str]:
    """ "60左右" → (60, about); "≥99" → (99, gte); "≤100" → (100, lte); "95" → (95, eq)."""
    match = _TARGET.match(text)
    if match is None:
        raise DomainError(_("目标“%(text)s”无法识别。") % {"text": text})
    if match.group("prefix") == "≥":
        comparator = Comparator.AT_LEAST
    elif match.group("prefix") == "≤":
        comparator = Comparator.AT_MOST
    elif match.group("suffix"):
        comparator = Comparator.ABOUT
    else:
        comparator = Comparator.EXACT
    return Decimal(match.group("number")), comparator


def _decimal_or_none(text: str) -> Decimal | None:
    text = (text or "").strip()
    return Decimal(text) if text else None


def _read_csv(name: str) -> list[dict[str, str]]:
    text = region_services.reference_path(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _category(name: str, order: int) -> IndicatorCategory:
    category = IndicatorCategory.objects.filter(name=name).first()
    if category is None:
        category = IndicatorCategory.objects.create(code=f"c{order:02d}", name=name, order=order)
    return category


@transaction.atomic
def load_catalogue() -> dict[str, int]:
    """Load (idempotently) the national plan's 18 main indicators, the default pilot set, periods and rules."""
    national = _read_csv("national_indicators.csv")
    pilot_rows = _read_csv("pilot_indicators.csv")
    names = list(dict.fromkeys([r["category"] for r in national] + [r["category"] for r in pilot_rows]))
    categories = {name: _category(name, order) for order, name in enumerate(names, start=1)}
    national_codes = {r["code"] for r in national}
    for order, row in enumerate(pilot_rows, start=1):
        Indicator.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "unit": row["unit"],
                "category": categories[row["category"]],
                "direction": row["direction"],
                "value_type": row["value_type"],
                "decimals": int(row["decimals"]),
                "min_value": _decimal_or_none(row["min_value"]),
                "max_value": _decimal_or_none(row["max_value"]),
                "aggregation": row["aggregation"],
                # Weights are listed before the indicators they weight.
                "weight_indicator": Indicator.objects.get(code=row["weight_indicator"])
                if row["weight_indicator"]
                else None,
                "period_type": row["period_type"],
                "source": row["source"],
                "formula": row["formula"],
                "is_national": row["code"] in national_codes,
                "order": order,
            },
        )
    by_code = {i.code: i for i in Indicator.objects.all()}
    for row in national:
        indicator = by_code.get(row["code"])
        if indicator is None:
            indicator = Indicator.objects.create(
                code=row["code"],
                name=row["name"],
                unit=row["unit"],
                category=categories[row["category"]],
                is_national=True,
                order=900,
            )
        target, comparator = parse_target(row["target_2020"])
        NationalTarget.objects.update_or_create(
            indicator=indicator,
            defaults={
                "base_value": _decimal_or_none(row["value_2012"]),
                "target_value": target,
                "comparator": comparator,
                "target_text": row["target_2020"],
                "nature": row["nature"],
                "actual_value": _decimal_or_none(row["actual_2020"]),
                "source_note": row["source_note"],
            },
        )
    formulas.evaluation_order({i.code: i.formula for i in Indicator.objects.exclude(formula="")})
    periods = 0
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for code in (f"{year}H1", f"{year}H2", str(year)):
            IndicatorPeriod.objects.get_or_create(code=code, defaults={"year": year})
            periods += 1
    rules = _default_rules()
    return {"indicators": Indicator.objects.count(), "national": len(national), "periods": periods, "rules": rules}


def _default_rules() -> int:
    compare = [
        ("户籍人口城镇化率不应高于常住人口城镇化率", "urban_rate_hukou", Operator.LTE, "urban_rate_resident"),
        ("城镇户籍人口不应多于户籍总人口", "hukou_urban_population", Operator.LTE, "hukou_population"),
        ("永久基本农田面积不应大于耕地保有量", "basic_farmland_area", Operator.LTE, "farmland_area"),
    ]
    jumps = [
        ("常住人口城镇化率同比变动不超过 10%", "urban_rate_resident", Decimal(10)),
        ("人均地区生产总值同比变动不超过 30%", "gdp_per_capita", Decimal(30)),
        ("常住人口同比变动不超过 15%", "resident_population", Decimal(15)),
    ]
    by_code = {i.code: i for i in Indicator.objects.all()}
    for name, left, operator, right in compare:
        ValidationRule.objects.get_or_create(
            name=name,
            defaults={
                "kind": RuleKind.COMPARE,
                "indicator": by_code[left],
                "operator": operator,
                "other_indicator": by_code[right],
            },
        )
    for name, code, percent in jumps:
        ValidationRule.objects.get_or_create(
            name=name,
            defaults={"kind": RuleKind.YEAR_ON_YEAR, "indicator": by_code[code], "max_change_percent": percent},
        )
    return ValidationRule.objects.count()


def check_indicator(indicator: Indicator) -> None:
    """Refuse a formula that is not arithmetic over known codes, makes a cycle, or a weight-less weighted mean."""
    if indicator.formula.strip():
        others = {i.code: i.formula for i in Indicator.objects.exclude(formula="").exclude(pk=indicator.pk)}
        others[indicator.code] = indicator.formula
        known = set(Indicator.objects.values_list("code", flat=True)) | {indicator.code}
        formulas.check_references(others, known)
        formulas.evaluation_order(others)
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN and indicator.weight_indicator_id is None:
        raise DomainError(_("加权平均的指标必须指定权重指标。"))


@transaction.atomic
def save_indicator(*, indicator: Indicator, by: User | None) -> Indicator:
    """Create or change an indicator (an admin adds indicators to the catalogue)."""
    check_indicator(indicator)
    created = indicator.pk is None
    indicator.full_clean()
    indicator.save()
    audit.record(
        action=audit.AuditAction.INDICATOR_CREATED if created else audit.AuditAction.INDICATOR_CHANGED,
        actor=by,
        obj=indicator,
        detail={"code": indicator.code, "formula": indicator.formula},
    )
    return indicator


@transaction.atomic
def set_pilot_target(
    *,
    pilot: PilotArea,
    indicator: Indicator,
    target_year: int,
    value: Decimal,
    comparator: str = Comparator.EXACT,
    source: str = "",
    by: User | SystemActor,
) -> PilotTarget:
    """Record a pilot's work-plan target for an indicator and year (its office or its province)."""
    permissions.require_set_targets(by, pilot)
    target, created = PilotTarget.objects.update_or_create(
        pilot=pilot,
        indicator=indicator,
        target_year=target_year,
        defaults={"target_value": value, "comparator": comparator, "source": source},
    )
    audit.record(
        action=audit.AuditAction.TARGET_SET,
        actor=by,
        obj=target,
        detail={"value": value, "year": target_year, "created": created},
    )
    return target


@transaction.atomic
def set_pilot_targets(
    *, pilot: PilotArea, targets: Mapping[tuple[str, int], str], source: str, by: User
) -> list[PilotTarget]:
    """Set several targets of a pilot from its work plan; if any is invalid nothing is saved.

    ``targets`` maps (indicator code, target year) to the value as typed; the year is the stage year of
    the pilot's batch or the programme's last year (both from the registry). A blank value removes the target.
    """
    permissions.require_set_targets(by, pilot)
    indicators = {i.code: i for i in Indicator.objects.active()}
    years = {stage_year(pilot), pilot.batch.programme_end_year}
    errors: dict[str, str] = {}
    clean: dict[tuple[str, int], Decimal | None] = {}
    for (code, year), raw in targets.items():
        indicator = indicators.get(code)
        if indicator is None or year not in years:
            errors[f"{code}_{year}"] = _("指标或目标年份不正确。")
            continue
        if not raw.strip():
            clean[(code, year)] = None
            continue
        try:
            clean[(code, year)] = validate_value(indicator, raw)
        except DomainError as exc:
            errors[f"{code}_{year}"] = exc.message
    if errors:
        raise ValuesRejected(errors)
    saved = []
    for (code, year), value in clean.items():
        indicator = indicators[code]
        if value is None:
            deleted, _n = PilotTarget.objects.filter(pilot=pilot, indicator=indicator, target_year=year).delete()
            if deleted:
                audit.record(
                    action=audit.AuditAction.TARGET_REMOVED, actor=by, obj=pilot, detail={"code": code, "year": year}
                )
            continue
        existing = PilotTarget.objects.filter(pilot=pilot, indicator=indicator, target_year=year).first()
        if existing is not None and existing.target_value == value:
            continue
        comparator = Comparator.AT_MOST if indicator.direction == "negative" else Comparator.AT_LEAST
        saved.append(
            set_pilot_target(
                pilot=pilot,
                indicator=indicator,
                target_year=year,
                value=value,
                comparator=comparator,
                source=source,
                by=by,
            )
        )
    return saved


def stage_year(pilot: PilotArea) -> int:
    """Stage-results year of the pilot's batch, from the registry (batches 1-2 by 2017, batch 3 by 2018)."""
    return pilot.batch.stage_year


# -- values ----------------------------------------------------------------------------------------


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
    stored = IndicatorValue._meta.get_field("value")
    digits = int(stored.max_digits or 20) - int(stored.decimal_places or 0)
    if abs(value) >= Decimal(10) ** digits:
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
    by: User | None,
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
    recompute(pilot=pilot, period=period, by=by)
    if submit:
        submit_values(pilot=pilot, period=period, by=by)
    return written


def _transition(value: IndicatorValue, to: str, *, by: User, reason: str = "") -> IndicatorValue:
    """Move one value version; only the current version moves, and acceptance records who accepted."""

    def guard(locked: IndicatorValue) -> None:
        if not locked.is_current:
            raise VALUE_FLOW.refuse(locked.status, to)

    def apply(locked: IndicatorValue) -> transitions.Effects:
        fields: list[str] = []
        if to == ValueStatus.SUBMITTED:
            locked.submitted_at = clock.now()
            fields.append("submitted_at")
        if to == ValueStatus.ACCEPTED:
            locked.accepted_by, locked.accepted_at = by, clock.now()
            fields += ["accepted_by", "accepted_at"]
        return transitions.Effects(fields=fields, detail={"reason": reason} if reason else None)

    return transitions.move(value, to, flow=VALUE_FLOW, by=by, guard=guard, apply=apply)


def _current(pilot: PilotArea, period: Period, status: str) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.filter(pilot=pilot, period=period.code, is_current=True, status=status).order_by(
            "indicator__order"
        )
    )


@transaction.atomic
def submit_values(*, pilot: PilotArea, period: Period, by: User) -> list[IndicatorValue]:
    """Report a pilot's draft values of a period to the province."""
    permissions.require_enter(by, pilot)
    drafts = _current(pilot, period, ValueStatus.DRAFT)
    if not drafts:
        raise DomainError(_("本期没有待报送的草稿数据。"))
    return [_transition(v, ValueStatus.SUBMITTED, by=by) for v in drafts]


@transaction.atomic
def accept_values(*, pilot: PilotArea, period: Period, by: User) -> list[IndicatorValue]:
    """A provincial officer accepts the submitted values of one of the province's pilots."""
    permissions.require_accept(by, pilot)
    submitted = _current(pilot, period, ValueStatus.SUBMITTED)
    if not submitted:
        raise DomainError(_("本期没有待确认的数据。"))
    return [_transition(v, ValueStatus.ACCEPTED, by=by) for v in submitted]


@transaction.atomic
def return_values(*, pilot: PilotArea, period: Period, reason: str, by: User) -> list[IndicatorValue]:
    """Send submitted values back to the pilot as drafts, with the reason."""
    permissions.require_accept(by, pilot)
    if not reason.strip():
        raise DomainError(_("退回必须说明理由。"))
    submitted = _current(pilot, period, ValueStatus.SUBMITTED)
    if not submitted:
        raise DomainError(_("本期没有待确认的数据。"))
    return [_transition(v, ValueStatus.DRAFT, by=by, reason=reason) for v in submitted]


_STATUS_RANK: dict[str, int] = {ValueStatus.DRAFT: 0, ValueStatus.SUBMITTED: 1, ValueStatus.ACCEPTED: 2}


def recompute(*, pilot: PilotArea, period: Period, by: User | None) -> list[IndicatorValue]:
    """Store the computed indicators of a pilot and period from the current inputs (stored on change).

    A computed value takes the weakest status of its inputs; where an input is missing or a divisor is
    zero nothing is stored.
    """
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


# -- data quality ----------------------------------------------------------------------------------

_OPERATORS = {
    Operator.LTE: lambda a, b: a <= b,
    Operator.LT: lambda a, b: a < b,
    Operator.GTE: lambda a, b: a >= b,
    Operator.GT: lambda a, b: a > b,
}


def _flag(
    found: dict[tuple[int, int, str, str, int | None], tuple[str, Decimal | None]],
    *,
    pilot_id: int,
    indicator_id: int,
    period: str,
    kind: str,
    rule_id: int | None,
    message: str,
    value: Decimal | None,
) -> None:
    found[(pilot_id, indicator_id, period, kind, rule_id)] = (message, value)


@transaction.atomic
def run_quality_checks(*, period: Period, by: User | SystemActor) -> int:
    """Apply the active rules and the z-score outlier test to the reported values of ``period`` in ``by``'s reach.

    Findings become DataQualityIssue rows (existing ones keep their follow-up status). Returns how many
    new issues were opened. A province checks its own pilots; only a national reach checks them all.
    """
    scoping.require(by, Capability.FOLLOW_UP_QUALITY)
    reach = scoping.scope_for(by)
    scope = (
        None if reach.is_national else set(scoping.restrict(PilotArea.objects.all(), by).values_list("pk", flat=True))
    )
    base = IndicatorValue.objects.filter(period=period.code, is_current=True)
    if scope is not None:
        base = base.filter(pilot_id__in=scope)
    found: dict[tuple[int, int, str, str, int | None], tuple[str, Decimal | None]] = {}
    for rule in ValidationRule.objects.filter(is_active=True).select_related("indicator", "other_indicator"):
        if rule.kind == RuleKind.COMPARE and rule.other_indicator is not None:
            left = dict(base.filter(indicator=rule.indicator).values_list("pilot_id", "value"))
            right = dict(base.filter(indicator=rule.other_indicator).values_list("pilot_id", "value"))
            for pilot_id, a in left.items():
                b = right.get(pilot_id)
                if b is not None and not _OPERATORS[Operator(rule.operator)](a, b):
                    _flag(
                        found,
                        pilot_id=pilot_id,
                        indicator_id=rule.indicator_id,
                        period=period.code,
                        kind=IssueKind.RULE,
                        rule_id=rule.pk,
                        value=a,
                        message=_("%(rule)s：%(left)s 为 %(a)s，%(right)s 为 %(b)s。")
                        % {
                            "rule": rule.name,
                            "left": rule.indicator.name,
                            "a": a.normalize(),
                            "right": rule.other_indicator.name,
                            "b": b.normalize(),
                        },
                    )
        elif rule.kind == RuleKind.YEAR_ON_YEAR and rule.max_change_percent is not None:
            now = dict(base.filter(indicator=rule.indicator).values_list("pilot_id", "value"))
            before_qs = IndicatorValue.objects.filter(
                period=period.previous().code if period.is_year else Period(period.year - 1, period.half).code,
                indicator=rule.indicator,
                is_current=True,
                pilot_id__in=list(now),
            )
            before = dict(before_qs.values_list("pilot_id", "value"))
            for pilot_id, value in now.items():
                previous = before.get(pilot_id)
                if previous is None or previous == 0:
                    continue
                change = (value - previous) / abs(previous) * 100
                if abs(change) > rule.max_change_percent:
                    _flag(
                        found,
                        pilot_id=pilot_id,
                        indicator_id=rule.indicator_id,
                        period=period.code,
                        kind=IssueKind.RULE,
                        rule_id=rule.pk,
                        value=value,
                        message=_("%(rule)s：由 %(before)s 变为 %(after)s（%(change)s%%）。")
                        % {
                            "rule": rule.name,
                            "before": previous.normalize(),
                            "after": value.normalize(),
                            "change": change.quantize(Decimal("0.1")),
                        },
                    )
    _outliers(IndicatorValue.objects.filter(period=period.code, is_current=True), base, period, found)
    existing = {
        (i.pilot_id, i.indicator_id, i.period, i.kind, i.rule_id): i
        for i in DataQualityIssue.objects.filter(period=period.code)
        if scope is None or i.pilot_id in scope
    }
    new = [
        DataQualityIssue(
            pilot_id=key[0],
            indicator_id=key[1],
            period=key[2],
            kind=key[3],
            rule_id=key[4],
            message=message[:300],
            value=value,
        )
        for key, (message, value) in found.items()
        if key not in existing
    ]
    DataQualityIssue.objects.bulk_create(new)
    if new:
        audit.record(
            action=audit.AuditAction.QUALITY_CHECKED,
            actor=by,
            detail={"period": period.code, "new_issues": len(new), "findings": len(found)},
        )
    return len(new)


def _outliers(
    everyone: models.QuerySet[IndicatorValue],
    base: models.QuerySet[IndicatorValue],
    period: Period,
    found: dict[tuple[int, int, str, str, int | None], tuple[str, Decimal | None]],
) -> None:
    """Flag values in ``base`` more than OUTLIER_Z standard deviations from the mean of the same kind of area.

    Mean and deviation come from one grouped query over every area (``everyone``), so a province's check
    compares its pilots with the whole country's pilots of their kind.
    """
    groups = {
        (g["indicator_id"], g["pilot__kind"]): g
        for g in everyone.filter(indicator__formula="")
        .values("indicator_id", "pilot__kind")
        .annotate(mean=Avg("value"), sd=StdDev("value"), n=Count("id"))
        .filter(n__gte=OUTLIER_MIN_GROUP)
    }
    if not groups:
        return
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in={k[0] for k in groups})}
    for pilot_id, indicator_id, kind, value in base.filter(indicator_id__in={k[0] for k in groups}).values_list(
        "pilot_id", "indicator_id", "pilot__kind", "value"
    ):
        group = groups.get((indicator_id, kind))
        if group is None or not group["sd"]:
            continue
        z = (Decimal(value) - Decimal(str(group["mean"]))) / Decimal(str(group["sd"]))
        if abs(z) > OUTLIER_Z:
            _flag(
                found,
                pilot_id=pilot_id,
                indicator_id=indicator_id,
                period=period.code,
                kind=IssueKind.OUTLIER,
                rule_id=None,
                value=value,
                message=_("%(name)s 为 %(value)s，偏离同类地区（%(kind)s）均值 %(z)s 个标准差。")
                % {
                    "name": indicators[indicator_id].name,
                    "value": Decimal(value).normalize(),
                    "kind": kind,
                    "z": z.quantize(Decimal("0.1")),
                },
            )


@transaction.atomic
def follow_up_issue(*, issue: DataQualityIssue, to: str, note: str, by: User) -> DataQualityIssue:
    """Move a data-quality issue along its follow-up states (province or nation)."""
    permissions.require_follow_up(by, issue)

    def apply(locked: DataQualityIssue) -> transitions.Effects:
        before = audit.snapshot(locked, ["follow_up"])
        if note.strip():
            stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
            locked.follow_up = f"{locked.follow_up}\n[{stamp} {by.get_username()}] {note.strip()}".strip()
        locked.updated_by = by
        return transitions.Effects(
            fields=["follow_up"],
            action=audit.AuditAction.QUALITY_FOLLOWED_UP,
            changes=audit.diff(before, audit.snapshot(locked, ["follow_up"])),
        )

    return transitions.move(issue, to, flow=ISSUE_FLOW, by=by, apply=apply)
