"""System checks that guard production settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_is_off_in_production(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Demo accounts have published passwords: production must not run in demo mode."""
    if settings.DEMO:
        return [
            Error(
                "SHIDIAN_DEMO is on: the demo accounts have published passwords.",
                hint="Unset SHIDIAN_DEMO in production.",
                id="shidian.E001",
            )
        ]
    return []
