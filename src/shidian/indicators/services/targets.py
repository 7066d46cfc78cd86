"""A pilot's targets for its indicators."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit
from shidian.core.actors import SystemActor
from shidian.core.errors import DomainError
from shidian.indicators import permissions
from shidian.indicators.models import Comparator, Indicator, PilotTarget
from shidian.indicators.services.values import ValuesRejected, stage_year, validate_value
from shidian.pilots.models import PilotArea


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
