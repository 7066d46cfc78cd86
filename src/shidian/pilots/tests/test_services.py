"""The pilot lifecycle (warning, lifting, elimination, completion) through its one service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from shidian.accounts.models import User
from shidian.core.errors import DomainError, NotFound
from shidian.core.models import AuditEvent
from shidian.core.transitions import MoveRefused
from shidian.pilots import services
from shidian.pilots.models import PilotArea, PilotStatus, PilotStatusChange

pytestmark = pytest.mark.django_db

DAY = dt.date(2019, 3, 1)


def _liuzhou() -> PilotArea:
    return PilotArea.objects.get(name="柳州市")


def _change(pilot: PilotArea, to: str, by: User, reason: str = "年度评估不合格", on: dt.date = DAY) -> PilotArea:
    return services.change_pilot_status(pilot=pilot, to=to, effective_on=on, reason=reason, by=by)


def test_the_commission_warns_and_the_move_is_kept_as_history_and_audited(user: Callable[[str], User]) -> None:
    national = user("demo-national")
    warned = _change(_liuzhou(), PilotStatus.WARNED, national)
    assert PilotArea.objects.get(pk=warned.pk).status == PilotStatus.WARNED
    change = PilotStatusChange.objects.get(pilot=warned, to_status=PilotStatus.WARNED)
    assert (change.from_status, change.to_status, change.decided_by) == ("active", "warned", national)
    event = AuditEvent.objects.get(action="pilots.pilot.warned")
    assert event.actor == national and event.changes == {"status": ["active", "warned"]}


@pytest.mark.parametrize("username", ["demo-province", "demo-pilot", "demo-ministry"])
def test_only_the_commission_changes_a_pilots_status(user: Callable[[str], User], username: str) -> None:
    history = PilotStatusChange.objects.count()
    with pytest.raises(NotFound):
        _change(_liuzhou(), PilotStatus.WARNED, user(username))
    assert PilotArea.objects.get(name="柳州市").status == PilotStatus.ACTIVE
    assert PilotStatusChange.objects.count() == history


def test_an_eliminated_pilot_does_not_come_back_and_nothing_is_written(user: Callable[[str], User]) -> None:
    national = user("demo-national")
    _change(_liuzhou(), PilotStatus.ELIMINATED, national)
    events, history = AuditEvent.objects.count(), PilotStatusChange.objects.count()
    with pytest.raises(MoveRefused):
        _change(_liuzhou(), PilotStatus.ACTIVE, national, on=dt.date(2019, 4, 1))
    assert PilotArea.objects.get(name="柳州市").status == PilotStatus.ELIMINATED
    assert (PilotStatusChange.objects.count(), AuditEvent.objects.count()) == (history, events)


@pytest.mark.parametrize(
    ("reason", "on", "message"),
    [("  ", DAY, "理由"), ("理由", dt.date(2100, 1, 1), "晚于今天")],
)
def test_a_refused_change_writes_nothing(user: Callable[[str], User], reason: str, on: dt.date, message: str) -> None:
    events, history = AuditEvent.objects.count(), PilotStatusChange.objects.count()
    with pytest.raises(DomainError, match=message):
        _change(_liuzhou(), PilotStatus.WARNED, user("demo-national"), reason=reason, on=on)
    assert PilotArea.objects.get(name="柳州市").status == PilotStatus.ACTIVE
    assert (PilotStatusChange.objects.count(), AuditEvent.objects.count()) == (history, events)


def test_nobody_may_not_change_a_status() -> None:
    with pytest.raises(NotFound):
        services.change_pilot_status(pilot=_liuzhou(), to="warned", effective_on=DAY, reason="x", by=None)  # type: ignore[arg-type]
