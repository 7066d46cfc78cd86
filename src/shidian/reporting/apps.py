from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "shidian.reporting"
    label = "reporting"
    verbose_name = _("报告制度")

    def ready(self) -> None:
        from shidian.reporting import notify

        del notify  # imported for its rules and producers (notifications.registry)
