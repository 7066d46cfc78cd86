"""Chinese is the working language: the browser's preference does not change it, the switch does."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client


@pytest.mark.django_db
def test_browser_preference_does_not_switch_to_english(client: Client) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body and "用户名" in body


@pytest.mark.django_db
def test_the_switch_chooses_english_and_back(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert '<html lang="zh-hans">' in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_chinese(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="zh-hans">' in client.get("/accounts/login/").content.decode()
