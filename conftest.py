"""Hooks for every test under the project (src/ and tests/): pytest applies a conftest's hooks to its folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django.plugin import blocking_manager_key


def _flushes(item: pytest.Item | None) -> bool:
    """Whether a test runs on a transactional database, which Django empties (flush) after it."""
    if item is None:
        return False
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        "transactional_db" in names
        or "live_server" in names
        or (marker is not None and bool(marker.kwargs.get("transaction")))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files whose tests use the whole demo (``demo_world``) run last, so each process loads it once.

    Runs after pytest-django's ordering (transactional tests last) and keeps it within each group. pytest-xdist
    (``--dist loadfile``) hands files out in this order, so a worker never gets a file without the demo after
    one with it.
    """
    from shidian.conftest import uses_demo

    demo_files = {item.path for item in items if uses_demo(item)}
    items.sort(key=lambda item: item.path in demo_files)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    from shidian.conftest import leave_demo_before

    leave_demo_before(item, item.config.stash[blocking_manager_key])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Reload the session's reference data after a flushing test unless another flushing test comes next.

    pytest-django runs transactional tests last, but pytest-xdist hands each worker whole files in its
    own order, so a flushing test can come before tests that expect the session's reference data.
    """
    result = yield
    if _flushes(item) and nextitem is not None and not _flushes(nextitem):
        with item.config.stash[blocking_manager_key].unblock():
            from shidian.accounts import demo
            from shidian.bootstrap import data
            from shidian.core import db
            from shidian.plans.focus_areas import ensure_focus_areas

            data.load_reference()
            ensure_focus_areas()  # a data migration's rows: the flush took them too
            demo.load_demo_accounts()
            db.analyze()
    return result
