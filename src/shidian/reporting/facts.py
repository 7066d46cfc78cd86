"""Facts attached to reports from the plans and indicators apps.

Reporting reads plans and indicators through their selectors (data flows registry → plans → data and
reports), imported directly so that renaming a selector breaks the build instead of emptying every report.
A pilot without a plan or values still gets facts: the selectors answer "no plan" and "no values".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.core import audit, formatting
from shidian.indicators.selectors import pilot_indicator_facts, province_indicator_summary
from shidian.pilots.models import PilotArea
from shidian.plans.selectors import pilot_progress_facts
from shidian.regions.models import Province


def pilot_facts(*, pilot: PilotArea, round: Any) -> dict[str, Any]:
    """A JSON snapshot of the plan progress and indicator facts of ``pilot`` for the round's period."""
    period = round.period
    facts: dict[str, Any] = {
        "period": period.code,
        "collected_at": timezone.now(),
        "plan": pilot_progress_facts(pilot=pilot, period_end=period.end),
        "indicators": pilot_indicator_facts(pilot=pilot, period=period),
    }
    plain: dict[str, Any] = audit.plain(facts)
    return plain


def province_facts(*, province: Province, round: Any) -> dict[str, Any]:
    """A JSON snapshot of the province-wide indicator summary for the round's period."""
    period = round.period
    facts: dict[str, Any] = {
        "period": period.code,
        "collected_at": timezone.now(),
        "indicators": province_indicator_summary(province=province, period=period),
    }
    plain: dict[str, Any] = audit.plain(facts)
    return plain


PLAN_LABELS = {
    "tasks": _("任务数"),
    "milestones": _("时间节点数"),
    "milestones_due": _("到期节点"),
    "milestones_done": _("到期节点中已完成"),
    "overdue": _("逾期节点"),
    "progress_percent": _("总体进度（%）"),
}
# Plan facts that add up across pilots (for the province statistics).
ADDITIVE_PLAN_FACTS = ("tasks", "milestones", "milestones_due", "milestones_done", "overdue")


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _shown(row: dict[str, Any], value: Any) -> str:
    """A snapshot value with its indicator's decimals and unit (older snapshots: the digits they hold)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    decimals = row.get("decimals")
    if not isinstance(decimals, int):
        exponent = number.normalize().as_tuple().exponent
        decimals = min(-exponent, 6) if isinstance(exponent, int) and exponent < 0 else 0
    return formatting.indicator_value(
        number, value_type=str(row.get("value_type") or "number"), decimals=decimals, unit=str(row.get("unit") or "")
    )


def _indicator_line(row: dict[str, Any]) -> str:
    name = row.get("name") or row.get("code") or ""
    value = row.get("value")
    shown = "—" if value is None else _shown(row, value)
    status = row.get("status_label") or ""
    target = row.get("target")
    parts = [f"{name}：{shown}"]
    if target not in (None, ""):
        parts.append(str(_("目标 %(target)s") % {"target": _shown(row, target)}))
    if status:
        parts.append(str(status))
    return "，".join(parts)


def fact_lines(facts: dict[str, Any]) -> list[str]:
    """Short readable lines for a facts snapshot (shown in the editor, the review page and the documents)."""
    lines: list[str] = []
    plan = facts.get("plan")
    if isinstance(plan, dict):
        if plan.get("has_plan") is False:
            lines.append(str(_("尚无获批的工作方案。")))
        else:
            for key, label in PLAN_LABELS.items():
                if _scalar(plan.get(key)):
                    lines.append(f"{label}：{plan[key]}")
    indicators = facts.get("indicators")
    if isinstance(indicators, dict):  # a province summary
        indicators = indicators.get("indicators")
    if isinstance(indicators, list):
        lines.extend(
            _indicator_line(row) for row in indicators[:30] if isinstance(row, dict) and row.get("value") is not None
        )
    return lines
