"""Load the reference data and the demo of every app, in the order data flows (DESIGN.md).

Lower apps never import higher ones; this module sits above them all, like the URL configuration.
"""

from __future__ import annotations

from shidian.accounts.models import User
from shidian.core import db
from shidian.indicators.demo import load_demo_indicators
from shidian.indicators.services import load_catalogue
from shidian.pilots import demo as registry_demo
from shidian.plans.demo import load_demo_plans
from shidian.reporting.demo import load_demo_reports


def load_reference() -> dict[str, int]:
    """Provinces, divisions, batches, units, the registry, and the indicator catalogue. Idempotent."""
    summary = registry_demo.load_reference()
    load_catalogue()
    db.analyze()
    return summary


def load_demo() -> list[User]:
    """The demo accounts, then plans, indicator values and reports, deterministic."""
    users = registry_demo.load_demo_accounts()
    load_demo_plans()
    load_demo_indicators()
    load_demo_reports()
    db.analyze()
    return users
