from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperiencesConfig(AppConfig):
    name = "shidian.experiences"
    label = "experiences"
    verbose_name = _("典型经验")

    def ready(self) -> None:
        from shidian.experiences import notify  # noqa: F401 - registers the notification rules
