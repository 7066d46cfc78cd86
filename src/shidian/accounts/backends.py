"""Authentication backend: the ordinary one, except that demo accounts only work in demo mode."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from shidian.accounts.services import one_time_code_expired


class ShidianBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        """Demo accounts have a published password: outside SHIDIAN_DEMO they cannot log in at all."""
        if getattr(user, "is_demo", False) and not settings.DEMO:
            return False
        if one_time_code_expired(user):
            return False  # the security admin issues a new code
        return super().user_can_authenticate(user)

    def get_user(self, user_id: int) -> Any:
        user = super().get_user(user_id)
        return user if user is None or self.user_can_authenticate(user) else None
