"""The contract between the apps and the notification centre: rules by audit action, producers by day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import pytest

from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.notifications import registry
from shidian.notifications.registry import Notice


@pytest.fixture
def clean_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(registry, "_event_rules", {})
    monkeypatch.setattr(registry, "_producers", [])
    monkeypatch.setattr(registry, "_settles", {})
    yield


@pytest.mark.usefixtures("clean_registry")
def test_a_rule_is_found_by_its_action_once_however_often_it_is_registered() -> None:
    action = AuditAction.values[0]

    def rule(event: AuditEvent) -> Iterable[Notice]:
        return []

    registry.on_event(action)(rule)
    registry.on_event(action)(rule)  # an app's ready() may run twice in tests
    assert registry.rules_for(action) == [rule]
    assert registry.actions() == [action]
    assert registry.rules_for(AuditAction.values[1]) == []


@pytest.mark.usefixtures("clean_registry")
def test_a_misspelt_action_is_refused_when_the_rule_is_registered() -> None:
    with pytest.raises(ValueError, match="unregistered audit action"):
        registry.on_event("plans.version.aproved")


@pytest.mark.usefixtures("clean_registry")
def test_producers_are_kept_once_in_their_order() -> None:
    def first(today: dt.date) -> Iterable[Notice]:
        return []

    def second(today: dt.date) -> Iterable[Notice]:
        return []

    for producer in (first, second, first):
        registry.periodically(producer)
    assert registry.producers() == [first, second]


@pytest.mark.usefixtures("clean_registry")
def test_a_settling_action_is_read_from_the_trail_and_a_misspelt_one_is_refused() -> None:
    asked, handled = AuditAction.EXPERIENCE_SUBMITTED, AuditAction.EXPERIENCE_RECOMMENDED
    registry.settles(handled, asked_by=[asked])
    registry.settles(handled, asked_by=[asked])
    assert registry.settled_by(handled) == [asked] and registry.settled_by(asked) == []
    assert registry.has_rules(handled) and registry.actions() == [handled]  # no rule of its own, still read
    with pytest.raises(ValueError, match="unregistered audit action"):
        registry.settles(handled, asked_by=["experiences.experience.submited"])
