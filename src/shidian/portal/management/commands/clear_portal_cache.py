"""Start a new generation of the portal's page cache (after a deployment changed templates or styles)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shidian.portal import cache


class Command(BaseCommand):
    help = "Render every portal page anew on its next request (run after each deployment)."

    def handle(self, *args: Any, **options: Any) -> None:
        cache.invalidate()
        self.stdout.write("portal cache: new generation")
