"""Facts attached to reports from the plans and indicators apps, when those apps are installed.

A report must work for a pilot without a plan or indicator values, and the reporting app must not
depend on apps built beside it: each source is looked up at call time and skipped when absent.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.core import audit, formatting


def _selector(app: str, name: str) -> Callable[..., Any] | None:
    """The selector function ``name`` of ``app`` if the app is installed and provides it."""
    if not apps.is_installed(app):
        return None
    try:
        module = importlib.import_module(f"{app}.selectors")
    except ImportError:
        return None
    function = getattr(module, name, None)
    return function if callable(function) else None


def pilot_facts(*, pilot: Any, round: Any) -> dict[str, Any]:
    """A JSON snapshot of the plan progress and indicator facts of ``pilot`` for the round's period."""
    period = round.period
    facts: dict[str, Any] = {"period": period.code, "collected_at": timezone.now(), "plan": None, "indicators": None}
    progress = _selector("shidian.plans", "pilot_progress_facts")
    if progress is not None:
        facts["plan"] = progress(pilot=pilot, period_end=period.end)
    indicators = _selector("shidian.indicators", "pilot_indicator_facts")
    if indicators is not None:
        facts["indicators"] = indicators(pilot=pilot, period=period)
    plain: dict[str, Any] = audit.plain(facts)
    return plain


def province_facts(*, province: Any, round: Any) -> dict[str, Any]:
    """A JSON snapshot of the province-wide indicator summary for the round's period."""
    period = round.period
    facts: dict[str, Any] = {"period": period.code, "collected_at": timezone.now(), "indicators": None}
    summary = _selector("shidian.indicators", "province_indicator_summary")
    if summary is not None:
        facts["indicators"] = summary(province=province, period=period)
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


def _number(value: Any) -> str:
    """A value as officials write it: 19412, 68.74, 55.2 (never 68.740000)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return str(value)
    text = formatting.number(value, 2)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _indicator_line(row: dict[str, Any]) -> str:
    name = row.get("name") or row.get("code") or ""
    value = row.get("value")
    shown = "—" if value is None else f"{_number(value)}{row.get('unit') or ''}"
    status = row.get("status_label") or ""
    target = row.get("target")
    parts = [f"{name}：{shown}"]
    if target not in (None, ""):
        parts.append(str(_("目标 %(target)s") % {"target": _number(target)}))
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
