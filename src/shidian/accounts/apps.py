from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shidian.accounts"
    label = "accounts"
    verbose_name = _("账号与单位")

    def ready(self) -> None:
        from shidian.accounts import receivers  # noqa: F401  (audits logins, failures and lockouts)
