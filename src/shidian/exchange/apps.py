from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "shidian.exchange"
    label = "exchange"
    verbose_name = _("问题反映与指导通知")

    def ready(self) -> None:
        from shidian.exchange import notify  # noqa: F401  (registers the notification rules)
