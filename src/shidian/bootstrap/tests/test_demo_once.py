"""The demo is loaded once per test process and shared by the modules that use it; no test's writes leak."""

from __future__ import annotations

import pytest
from django.db import transaction

from shidian import conftest
from shidian.pilots.models import PilotArea

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_world")]

_seen: dict[str, int] = {}


def test_the_demo_is_loaded_and_leaves_no_after_commit_work_waiting() -> None:
    assert conftest._Demo.outer is not None and conftest._Demo.loads >= 1
    # Nothing the demo loader scheduled for after its commit is still waiting in the outer transaction.
    assert transaction.get_connection().run_on_commit == []
    _seen["loads"] = conftest._Demo.loads


def test_a_test_that_changes_the_demo() -> None:
    PilotArea.objects.filter(name="柳州市").update(name="改过的柳州市")
    assert PilotArea.objects.filter(name="改过的柳州市").exists()


def test_the_next_test_sees_the_demo_unchanged_and_it_was_not_loaded_again() -> None:
    assert PilotArea.objects.filter(name="柳州市").exists()
    assert not PilotArea.objects.filter(name="改过的柳州市").exists()
    assert conftest._Demo.loads == _seen["loads"]
