from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from shidian.pilots.models import PilotArea


class AccountsConfig(AppConfig):
    name = "shidian.accounts"
    label = "accounts"
    verbose_name = _("账号与单位")

    def ready(self) -> None:
        from shidian.accounts import receivers  # noqa: F401  (audits logins, failures and lockouts)
        from shidian.pilots.signals import pilot_admitted

        pilot_admitted.connect(_give_pilot_its_organisations, dispatch_uid="accounts.pilot_organisations")


def _give_pilot_its_organisations(sender: object, *, pilot: PilotArea, **kwargs: object) -> None:
    """A pilot the registry admits gets its government and leading-group office (accounts.services)."""
    from shidian.accounts import services

    services.ensure_pilot_organisations(pilot=pilot)
