"""Data-quality checks over a period's values and the follow-up of the issues they raise."""

from __future__ import annotations

from decimal import Decimal

from django.db import models, transaction
from django.db.models import Avg, Count, StdDev
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, scoping, transitions
from shidian.core.actors import SystemActor
from shidian.core.periods import Period
from shidian.core.roles import Capability
from shidian.indicators import permissions
from shidian.indicators.models import (
    ISSUE_FLOW,
    DataQualityIssue,
    Indicator,
    IndicatorValue,
    IssueKind,
    Operator,
    RuleKind,
    ValidationRule,
)
from shidian.pilots.models import PilotArea

OUTLIER_Z = Decimal(3)
OUTLIER_MIN_GROUP = 5


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
