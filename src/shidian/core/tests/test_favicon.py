"""The site's icon is a local static file that both layouts link, so browsers do not ask for /favicon.ico."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client, override_settings

ICONS = ("shidian/favicon.svg", "shidian/favicon.png")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/portal/"])  # base.html and portal/base.html
def test_both_layouts_link_the_local_icon(client: Client, url: str) -> None:
    head = client.get(url).content.decode().split("</head>", 1)[0]
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', head)
    assert icons == [f"{settings.STATIC_URL}{name}" for name in ICONS]


def test_the_icons_are_static_files_that_load_nothing_else() -> None:
    for name in ICONS:
        assert finders.find(name), name
    svg = Path(str(finders.find(ICONS[0]))).read_text(encoding="utf-8")
    assert "href" not in svg and "url(" not in svg and "<image" not in svg  # draws itself, fetches nothing
    png = Path(str(finders.find(ICONS[1]))).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < 4096


def test_collectstatic_keeps_the_icons_under_their_hashed_names(tmp_path: Path) -> None:
    manifest_storage = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # as in production
    production = {**settings.STORAGES, "staticfiles": manifest_storage}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=production):
        call_command("collectstatic", interactive=False, verbosity=0)
        manifest = json.loads((tmp_path / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
        for name in ICONS:
            assert (tmp_path / manifest[name]).is_file(), name
        link = Template("{% load static %}{% static 'shidian/favicon.svg' %}").render(Context())
        assert link == f"{settings.STATIC_URL}{manifest[ICONS[0]]}" and link != f"{settings.STATIC_URL}{ICONS[0]}"


@pytest.mark.django_db
def test_a_client_asking_for_favicon_ico_is_sent_to_the_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == f"{settings.STATIC_URL}{ICONS[1]}"
    assert client.post("/favicon.ico").status_code == 405
