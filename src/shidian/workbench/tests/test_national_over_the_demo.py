"""The national workbench over the whole demo at its business date (an open mid-year round, due in two days)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from shidian.accounts.models import User
from shidian.bootstrap.data import demo_today
from shidian.core import clock
from shidian.reporting import selectors

# The whole demo, loaded once per test process (src/shidian/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_world")]


def test_each_provinces_round_line_accounts_for_every_pilot_expected(client_as: Callable[[str], Client]) -> None:
    """Before the deadline the pilots that have not sent yet are waiting, not missing, and not left out."""
    with clock.travel_to(demo_today()):
        current = selectors.current_round(today=clock.today())
        assert current is not None and clock.today() < current.pilot_due
        national = User.objects.get(username="demo-national")
        rows = selectors.round_completeness_by_province(user=national, reporting_round=current, today=clock.today())
        assert rows and all(r.submitted + r.waiting + r.missing == r.expected for r in rows)
        assert sum(r.waiting for r in rows) > 0 and sum(r.missing for r in rows) == 0
        html = client_as("demo-national").get("/").content.decode()
    beijing = re.search(r"data-testid=\"completeness-11\">\s*<a href=\"[^\"]*\">([^<]+)</a>", html)
    assert beijing is not None, "北京市's round line is on the workbench"
    row = next(r for r in rows if r.province.code == "11")
    assert beijing.group(1).strip() == (
        f"北京市：已报送 {row.submitted} / {row.expected}（其中逾期 {row.late}），待报送 {row.waiting}，逾期未报送 0"
    )


def test_a_ministrys_long_lists_are_counted_and_only_their_first_items_built() -> None:
    """demo-natres has a province report of every round unread: the count is all of them, 15 are built."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shidian.workbench import selectors as bench_selectors

    user = User.objects.get(username="demo-natres")
    unread_all = list(selectors.unread_copies(user=user))
    assert len(unread_all) > bench_selectors.SHOWN
    with clock.travel_to(demo_today()), CaptureQueriesContext(connection) as captured:
        bench = bench_selectors.workbench_for(user=user)
    unread = next(s for s in bench.sections if s.key == "unread")
    assert unread.count == len(unread_all) and unread.hidden == len(unread_all) - bench_selectors.SHOWN
    assert len(unread.items) == bench_selectors.SHOWN  # built: the oldest 15, not every copy
    assert [i.testid for i in unread.items] == [f"copy-{c.pk}" for c in unread_all[: bench_selectors.SHOWN]]
    assert len(captured) <= 6, [q["sql"][:80] for q in captured.captured_queries]
