from __future__ import annotations

from collections.abc import Callable

import pytest

from shidian.accounts.models import User
from shidian.core.periods import Period
from shidian.pilots.models import PilotArea


@pytest.fixture
def liuzhou(db: None) -> PilotArea:
    return PilotArea.objects.select_related("batch", "province").get(name="柳州市")


@pytest.fixture
def shunyi(db: None) -> PilotArea:
    return PilotArea.objects.select_related("batch", "province").get(province__name="北京市", name="顺义区")


@pytest.fixture
def period() -> Period:
    return Period(2018)


@pytest.fixture
def pilot_user(user: Callable[[str], User]) -> User:
    return user("demo-pilot")


@pytest.fixture
def province_user(user: Callable[[str], User]) -> User:
    return user("demo-province")
