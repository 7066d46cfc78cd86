from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "shidian.plans"
    label = "plans"
    verbose_name = _("工作方案")

    def ready(self) -> None:
        from shidian.plans import notify

        del notify  # imported for its rules and producers (notifications.registry)
