"""Hooks for every test under the project (src/ and tests/): pytest applies a conftest's hooks to its folder."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_django.plugin import blocking_manager_key

DEMO_SCOPE = "files using the whole demo"


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
    """In one process, the files whose tests use the whole demo (``demo_world``) run last, so it is loaded once.

    Runs after pytest-django's ordering (transactional tests last) and keeps it within each group. Under
    pytest-xdist the scheduler below does the same across workers.
    """
    from shidian.conftest import uses_demo

    demo_files = {item.path for item in items if uses_demo(item)}
    items.sort(key=lambda item: item.path in demo_files)


@pytest.hookimpl(optionalhook=True)  # without pytest-xdist (-p no:xdist) there is no such hook
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile``, except that every file using the whole demo goes to one worker as one unit.

    pytest-xdist hands out files largest first, not in collection order, so files with the demo would reach
    both workers between other files and each would load the demo again (one load costs tens of seconds). The
    controller sees only node ids, so a demo file is one whose text names the ``demo_world`` fixture.
    """
    from xdist.scheduler import LoadFileScheduling

    root = config.rootpath

    class DemoFilesTogether(LoadFileScheduling):  # type: ignore[misc]
        @functools.cache  # noqa: B019  (one scheduler per run; the cache dies with it)
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return DEMO_SCOPE if "demo_world" in (root / path).read_text(encoding="utf-8") else path

    return DemoFilesTogether(config, log)


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
            from shidian.conftest import restore_session_data

            restore_session_data()  # a data migration's rows (the focus areas) included: the flush took them too
    return result


@pytest.fixture(autouse=True)
def _nothing_kept_from_an_earlier_test() -> None:
    """What a page kept under the data generation (core/generation.py) is not served to the next test.

    Each test's database is rolled back under the process, and a rollback of the whole transaction passes no
    statement that the generation could see; production never rolls back what another request has read.
    """
    from shidian.core import generation

    generation.forget()
