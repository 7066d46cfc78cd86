from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "shidian.contacts"
    label = "contacts"
    verbose_name = _("联系人")

    def ready(self) -> None:
        from shidian.contacts import notify

        del notify  # imported for its rules (notifications.registry)
