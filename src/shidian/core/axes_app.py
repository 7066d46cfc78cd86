"""django-axes under a Chinese name (a module of its own: apps.py may hold only the core's AppConfig)."""

import axes.apps
from django.utils.translation import gettext_lazy as _


class AxesConfig(axes.apps.AppConfig):  # type: ignore[misc]  # axes ships no type hints
    """django-axes with a Chinese name in the admin (its own models get Chinese from locale/zh_Hans)."""

    verbose_name = _("登录防护")
