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

from shidian.core import audit


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


def fact_lines(facts: dict[str, Any]) -> list[str]:
    """Short human-readable lines for a facts snapshot (shown in the editor and the documents)."""
    lines: list[str] = []
    plan = facts.get("plan")
    if isinstance(plan, dict):
        for key, value in plan.items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                lines.append(f"{key}: {value}")
    indicators = facts.get("indicators")
    if isinstance(indicators, list):
        for row in indicators[:30]:
            if isinstance(row, dict):
                name = row.get("name") or row.get("indicator") or row.get("code") or ""
                value = row.get("value", "")
                unit = row.get("unit", "")
                status = row.get("status_label") or row.get("status") or ""
                lines.append(f"{name}: {value}{unit} {status}".strip())
    elif isinstance(indicators, dict):
        for key, value in indicators.items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                lines.append(f"{key}: {value}")
    return lines
