"""Focus areas are reference data: loaded by migration, extensible by the system admin only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from shidian.plans.focus_areas import FOCUS_AREAS, ensure_focus_areas
from shidian.plans.models import FocusArea

pytestmark = pytest.mark.django_db


def test_the_programmes_focus_areas_are_loaded() -> None:
    assert sorted(FocusArea.objects.values_list("code", flat=True)) == sorted(code for _g, code, _n in FOCUS_AREAS)
    assert FocusArea.objects.filter(group="notice_2016").count() == 7
    assert FocusArea.objects.filter(group="overall_plan_2014").count() == 5
    assert FocusArea.objects.filter(group="land").count() == 6
    assert ensure_focus_areas() == 0


def test_the_system_admin_adds_a_focus_area_and_business_users_cannot(client_as: Callable[[str], Client]) -> None:
    url = "/admin/plans/focusarea/add/"
    response = client_as("demo-sysadmin").post(
        url, {"code": "ecology", "name": "生态文明建设", "group": "notice_2016", "position": 8, "is_active": "on"}
    )
    assert response.status_code == 302
    assert FocusArea.objects.filter(code="ecology", name="生态文明建设").exists()
    assert client_as("demo-pilot").get(url).status_code == 404
    assert client_as("demo-national").get("/admin/plans/focusarea/").status_code == 404
