"""A background import's page polls its progress with htmx and stops when the job is finished."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from shidian.accounts.models import User
from shidian.indicators.models import ImportJob, ImportState

pytestmark = pytest.mark.e2e


def test_progress_bar_follows_the_job(page: Any, site: str, login: Callable[..., None]) -> None:
    officer = User.objects.get(username="demo-province")
    job = ImportJob.objects.create(
        file_name="大文件.xlsx",
        content=b"",
        total_rows=20_000,
        created_by=officer,
        province_id=officer.organisation.province_id,  # type: ignore[union-attr]
    )
    login(page, "demo-province")
    page.goto(f"{site}/indicators/import/{job.pk}/")
    state = page.get_by_test_id("import-state")
    expect(state).to_have_attribute("data-state", "queued")
    expect(page.locator("progress")).to_have_attribute("value", "0")

    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, processed_rows=10_000)
    expect(page.locator("progress")).to_have_attribute("value", "50")
    expect(state).to_contain_text("已检查 10000 / 20000 行")

    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.DONE, processed_rows=20_000, written_rows=19_990)
    expect(page.get_by_test_id("import-written")).to_have_text("已写入 19990 条数值。")
    expect(page.locator("progress")).to_have_count(0)
    assert state.get_attribute("hx-get") is None  # finished: polling stopped
