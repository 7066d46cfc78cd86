"""Security headers: a strict Content-Security-Policy everywhere, no caching of signed-in pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SIGNED_IN_PAGES = ["/", "/pilots/", "/plans/", "/reporting/", "/indicators/", "/accounts/password/"]


@pytest.mark.django_db
class TestContentSecurityPolicy:
    @pytest.mark.parametrize("url", ["/accounts/login/", "/"])
    def test_every_page_has_a_policy_without_unsafe_inline_or_eval(self, client: Client, url: str) -> None:
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert "unsafe" not in policy

    def test_the_admin_has_it_too(self, client_as: Callable[[str], Client]) -> None:
        assert "script-src 'self'" in client_as("demo-sysadmin").get("/admin/")["Content-Security-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_need_no_unsafe_inline(path: Path) -> None:
    """Scripts, styles and handlers live in static files: the policy would block them inline."""
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>"
    assert not INLINE_STYLE.search(text), "inline style"
    assert not INLINE_HANDLER.search(text), "inline event handler"


@pytest.mark.django_db
class TestNoStore:
    @pytest.mark.parametrize("url", SIGNED_IN_PAGES)
    def test_signed_in_pages_are_not_stored(self, client_as: Callable[[str], Client], url: str) -> None:
        response = client_as("demo-province").get(url, follow=False)
        assert "no-store" in response["Cache-Control"], url

    def test_the_admin_and_the_audit_log_are_not_stored(self, client_as: Callable[[str], Client]) -> None:
        assert "no-store" in client_as("demo-secadmin").get("/admin/accounts/user/")["Cache-Control"]
        assert "no-store" in client_as("demo-auditor").get("/system/audit/")["Cache-Control"]
