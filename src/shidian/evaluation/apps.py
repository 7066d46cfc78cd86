from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "shidian.evaluation"
    label = "evaluation"
    verbose_name = _("年度评估")

    def ready(self) -> None:
        from shidian.core import scoping
        from shidian.evaluation import notify, selectors

        del notify  # imported for its rules (notifications.registry)

        # Experts reach the pilots assigned to them (core cannot import this app, so it is told).
        scoping.register_assigned_reach(selectors.assigned_pilot_pairs)
