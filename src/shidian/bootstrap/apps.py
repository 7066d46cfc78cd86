from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BootstrapConfig(AppConfig):
    """The top of the stack: loads reference data and the demo across all apps (nothing imports it)."""

    name = "shidian.bootstrap"
    label = "bootstrap"
    verbose_name = _("初始化数据")
