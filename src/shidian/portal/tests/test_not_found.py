"""A page the portal does not have is a 404 inside the portal's own layout, not the platform's 404 page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

MISSING = 2**31 - 1
PORTAL_404S = [
    f"/portal/experiences/{MISSING}/",
    f"/portal/news/{MISSING}/",
    f"/portal/pilots/{MISSING}/",
    f"/portal/experiences/batches/{MISSING}/",
    "/portal/experiences/themes/no-such-theme/",
    "/portal/no-such-page/",
]


def _templates(response: object) -> list[str]:
    return [t.name for t in getattr(response, "templates", []) if t.name]


@pytest.mark.parametrize("url", PORTAL_404S)
def test_a_missing_portal_page_is_a_404_in_the_portals_layout(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    names = _templates(response)
    assert "portal/404.html" in names and "portal/base.html" in names
    assert "404.html" not in names and "base.html" not in names
    body = response.content.decode()
    assert 'data-testid="portal-404"' in body
    assert 'href="/portal/pilots/"' in body and 'href="/portal/news/"' in body  # the portal's navigation
    assert "/accounts/login/" in body  # the staff link of the portal header, not the platform's menus
    assert "csrfmiddlewaretoken" not in body  # the portal layout carries no form tokens


def test_the_portal_404_follows_the_readers_language(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/portal/news/{MISSING}/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.content.decode()
    assert "portal/404.html" in _templates(response)


def test_the_platform_keeps_its_own_404_page(client_as: Callable[[str], Client]) -> None:
    staff = client_as("demo-province")
    for url in (f"/portal/manage/news/{MISSING}/", "/portal/manage/news/no-such-page/"):
        response = staff.get(url)
        assert response.status_code == 404, url
        names = _templates(response)
        assert "404.html" in names and "portal/404.html" not in names, url
    assert "404.html" in _templates(Client().get("/no-such-page/"))
