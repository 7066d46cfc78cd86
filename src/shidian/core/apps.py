from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shidian.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        from shidian.core import (
            checks,  # noqa: F401  (registers system checks)
            database,
        )

        connection_created.connect(database.register_sqlite_guard, dispatch_uid="shidian_audit_guard")
        post_migrate.connect(database.after_migrate, sender=self, dispatch_uid="shidian_grant_app_role")
        if getattr(settings, "AUDIT_ALLOW_TEST_FLUSH", False):
            database.allow_test_flush()
