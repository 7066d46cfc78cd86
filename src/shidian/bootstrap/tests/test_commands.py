"""The data commands: reference data reloads without changes; the demo only in demo mode."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from shidian.core.models import AuditEvent
from shidian.pilots.models import PilotArea


@pytest.mark.django_db
def test_reference_reload_changes_no_pilot() -> None:
    before = PilotArea.objects.count()
    changes = AuditEvent.objects.filter(action__in=["pilots.pilot.created", "pilots.pilot.updated"])
    events_before = changes.count()
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "新增 0、更新 0" in out.getvalue()
    assert PilotArea.objects.count() == before
    assert changes.count() == events_before


@pytest.mark.django_db
@override_settings(DEMO=False)
def test_demo_is_refused_outside_demo_mode() -> None:
    with pytest.raises(CommandError, match="SHIDIAN_DEMO=1"):
        call_command("load_demo", stdout=io.StringIO())
