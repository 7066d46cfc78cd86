"""Load the reference data and the demo of every app, in the order data flows (DESIGN.md).

Lower apps never import higher ones; this module sits above them all, like the URL configuration.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from shidian.accounts import demo as account_demo
from shidian.accounts import services as account_services
from shidian.accounts.models import User
from shidian.bootstrap.search_index import rebuild_search_index
from shidian.contacts.demo import load_demo_contacts
from shidian.core import clock, db
from shidian.evaluation.demo import load_demo_evaluation
from shidian.exchange.demo import load_demo_exchange
from shidian.experiences.demo import load_demo_experiences
from shidian.indicators.demo import load_demo_indicators
from shidian.indicators.services import load_catalogue
from shidian.notifications.demo import load_demo_notifications
from shidian.pilots import demo as registry_demo
from shidian.plans.demo import load_demo_plans
from shidian.portal.demo import load_demo_news
from shidian.regions import services as region_services
from shidian.reporting.demo import load_demo_reports


def load_reference() -> dict[str, int]:
    """Provinces, divisions, batches, units, the registry, and the indicator catalogue. Idempotent."""
    provinces = region_services.load_provinces()
    divisions = region_services.load_divisions()
    account_services.ensure_base_organisations()  # the commissions a pilot's units hang under
    summary = {"provinces": provinces, "divisions": divisions, **registry_demo.load_registry()}
    load_catalogue()
    db.analyze()
    return summary


# The demo's business date when settings do not pin one (SHIDIAN_DEMO_TODAY's default).
DEFAULT_DEMO_TODAY = dt.date(2019, 7, 8)


def demo_today() -> dt.date:
    """The business date the demo runs at and its history is generated up to."""
    configured: dt.date | None = getattr(settings, "BUSINESS_TODAY", None)
    return configured or DEFAULT_DEMO_TODAY


def load_demo() -> list[User]:
    """The demo accounts, then plans, indicator values and reports up to the business date, deterministic."""
    with clock.travel_to(demo_today()):  # services see the demo's "today" while the history is written
        users = account_demo.load_demo_accounts()  # their events (and notifications) dated the demo's day too
        load_demo_plans()
        load_demo_indicators()
        load_demo_reports()
        load_demo_contacts()  # 2016: before the evaluation eliminates a batch-3 pilot (2019)
        load_demo_evaluation()
        load_demo_exchange()
        load_demo_experiences()
        rebuild_search_index()
        load_demo_news()
        load_demo_notifications()  # last: the inboxes are derived from everything above
    db.analyze()
    return users
