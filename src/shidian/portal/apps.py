from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "shidian.portal"
    label = "portal"
    verbose_name = _("公众门户")

    def ready(self) -> None:
        from shidian.portal import cache

        cache.connect()
