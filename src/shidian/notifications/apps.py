from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "shidian.notifications"
    label = "notifications"
    verbose_name = _("通知中心")

    def ready(self) -> None:
        from shidian.core import audit
        from shidian.notifications import account_rules, registry, tasks

        del account_rules  # imported for its registrations (accounts sits below the centre)
        audit.after_commit(tasks.enqueue_derive, wants=registry.has_rules)
