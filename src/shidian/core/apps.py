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
        from django.db.models import fields

        from shidian.core import (
            checks,  # noqa: F401  (registers system checks)
            database,
            generation,
        )

        connection_created.connect(database.register_sqlite_guard, dispatch_uid="shidian_audit_guard")
        connection_created.connect(generation.install, dispatch_uid="shidian_data_generation")
        post_migrate.connect(database.after_migrate, sender=self, dispatch_uid="shidian_grant_app_role")
        if getattr(settings, "AUDIT_ALLOW_TEST_FLUSH", False):
            database.allow_test_flush()

        # Django 6.1's blank choice of every drop-down ("- Select an option -") has no Chinese in its catalogue;
        # Django reads this constant at form-build time and documents overriding it in ready().
        fields.BLANK_CHOICE_LABEL = _("请选择")
