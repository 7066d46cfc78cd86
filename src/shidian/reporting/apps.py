from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from shidian.pilots.models import PilotArea


class ReportingConfig(AppConfig):
    name = "shidian.reporting"
    label = "reporting"
    verbose_name = _("报告制度")

    def ready(self) -> None:
        from shidian.pilots.signals import pilot_admitted, pilot_status_changed
        from shidian.reporting import notify

        del notify  # imported for its rules and producers (notifications.registry)
        pilot_admitted.connect(_recount_admitted, dispatch_uid="reporting.completeness_admitted")
        pilot_status_changed.connect(_recount_status_changed, dispatch_uid="reporting.completeness_status")


def _recount_admitted(sender: object, *, pilot: PilotArea, **kwargs: object) -> None:
    """A pilot the registry admits counts in every round of its province from its admission on."""
    from shidian.reporting import aggregates

    aggregates.refresh_pilot(province_id=pilot.province_id)


def _recount_status_changed(sender: object, *, pilot: PilotArea, effective_on: dt.date, **kwargs: object) -> None:
    """A pilot's status change decides whether it reports in the rounds due from that day on."""
    from shidian.reporting import aggregates

    aggregates.refresh_pilot(province_id=pilot.province_id, since=effective_on)
