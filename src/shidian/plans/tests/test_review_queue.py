"""A new plan version reaches the province at once; after a return the pilot lands on the returned version."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from shidian.accounts.models import User
from shidian.plans import selectors, services
from shidian.plans.models import PlanVersion
from shidian.plans.tests import factories

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


def _approved_then_new_version_submitted() -> tuple[PlanVersion, PlanVersion]:
    _plan, first, _tasks, _ms = factories.make_plan()
    officer = factories.officer_for(factories.pilot())
    province = User.objects.get(username="demo-province")
    services.submit_plan(version=first, by=officer)
    services.approve_plan(version=first, by=province)
    second = services.start_new_version(plan=first.plan, by=officer)
    services.submit_plan(version=second, by=officer)
    return first, second


def test_a_submitted_new_version_shows_in_the_province_list_and_queue(client_as: ClientAs) -> None:
    _first, second = _approved_then_new_version_submitted()
    html = client_as("demo-province").get(reverse("plans:province")).content.decode()
    pilot = factories.pilot()
    assert f'data-testid="pending-{pilot.pk}"' in html
    assert "第 2 版 · 已报送" in html and "待审核" in html
    assert [v.pk for v in selectors.plans_awaiting_review(user=User.objects.get(username="demo-province"))] == [
        second.pk
    ]


def test_the_province_opening_the_plan_sees_the_submitted_version_with_the_review_form(client_as: ClientAs) -> None:
    first, _second = _approved_then_new_version_submitted()
    html = client_as("demo-province").get(reverse("plans:plan", kwargs={"pilot_id": factories.pilot().pk})).content
    text = html.decode()
    assert 'data-testid="review-form"' in text
    assert f"?version={first.pk}" in text and 'data-testid="approved-link"' in text


def test_after_a_return_the_pilot_lands_on_the_returned_version_with_the_comment(client_as: ClientAs) -> None:
    _first, second = _approved_then_new_version_submitted()
    services.return_plan(
        version=second, comment="请补充第二项任务的节点。", by=User.objects.get(username="demo-province")
    )
    response = client_as("demo-pilot").get(reverse("plans:plan", kwargs={"pilot_id": factories.pilot().pk}))
    text = response.content.decode()
    assert 'data-testid="review-comment"' in text and "请补充第二项任务的节点。" in text
    assert 'data-testid="plan-status">已退回' in text
    assert 'data-testid="approved-link"' in text


def test_national_viewers_still_see_the_version_in_force(client_as: ClientAs) -> None:
    _first, _second = _approved_then_new_version_submitted()
    text = client_as("demo-national").get(reverse("plans:plan", kwargs={"pilot_id": factories.pilot().pk})).content
    assert 'data-testid="plan-status">已批准' in text.decode()
    assert 'data-testid="pending-link"' in text.decode()
