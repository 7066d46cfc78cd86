from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BootstrapConfig(AppConfig):
    """The top of the stack: loads reference data and the demo across all apps (nothing imports it)."""

    name = "shidian.bootstrap"
    label = "bootstrap"
    verbose_name = _("初始化数据")

    def ready(self) -> None:
        from shidian.bootstrap import search_index
        from shidian.core import audit

        # Reports accepted and bulletins issued reach the search index once their transaction commits.
        audit.after_commit(search_index.refresh_search_index, wants=search_index.wants_refresh)
