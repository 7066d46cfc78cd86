"""What the centre derives from an experience's decisions: one notification per decision, titled by its move."""

from __future__ import annotations

import pytest

from shidian.experiences import services
from shidian.experiences.models import Experience
from shidian.experiences.tests import factories as f
from shidian.notifications import services as centre
from shidian.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _selected() -> Experience:
    experience = services.submit_experience(experience=f.draft(), by=f.user("demo-pilot"))
    experience = services.recommend_experience(experience=experience, by=f.user("demo-province"))
    return services.select_experience(experience=experience, by=f.user("demo-national"), batch=f.batch())


def _titles_of_the_pilot() -> list[str]:
    rows = Notification.objects.filter(recipient__username="demo-pilot", kind="decision").order_by("id")
    return list(rows.values_list("title", flat=True))


def test_publishing_tells_the_pilot_once_that_it_is_published() -> None:
    experience = _selected()
    centre.derive()
    before = Notification.objects.filter(recipient__username="demo-pilot").count()
    services.publish_experience(experience=experience, by=f.user("demo-national"))
    centre.derive()
    assert Notification.objects.filter(recipient__username="demo-pilot").count() == before + 1
    assert [t for t in _titles_of_the_pilot() if t.endswith("已发布")] == ["典型经验《深化户籍制度改革的做法》：已发布"]


def test_a_selection_derived_after_the_publication_still_says_selected_not_published_again() -> None:
    """The centre runs after commit and catches up (a task queued late, the demo): each event keeps its move."""
    services.publish_experience(experience=_selected(), by=f.user("demo-national"))
    centre.derive()
    assert _titles_of_the_pilot() == [
        "典型经验《深化户籍制度改革的做法》：已入选推广批次",
        "典型经验《深化户籍制度改革的做法》：已发布",
    ]
