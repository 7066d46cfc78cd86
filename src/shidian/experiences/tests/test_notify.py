"""The experiences' notifications: a "to recommend" / "to select" item is settled once handled; one per decision."""

from __future__ import annotations

import pytest

from shidian.accounts.models import User
from shidian.core.audit_actions import AuditAction
from shidian.core.roles import Role
from shidian.experiences import services
from shidian.experiences.models import Experience
from shidian.experiences.tests import factories as f
from shidian.notifications import services as notifications
from shidian.notifications.models import Notification
from shidian.notifications.registry import Kind

pytestmark = pytest.mark.django_db

ASKING = [AuditAction.EXPERIENCE_SUBMITTED, AuditAction.EXPERIENCE_RECOMMENDED]


def _open_actions(user: User, experience: Experience) -> int:
    """``user``'s unread 待推荐 / 待遴选 notifications about ``experience``."""
    return Notification.objects.filter(
        recipient=user,
        kind=Kind.REVIEW,
        read_at__isnull=True,
        event__action__in=ASKING,
        event__object_id=str(experience.pk),
    ).count()


def _second(user: User, username: str) -> User:
    """Another officer of ``user``'s organisation and role (the item is handled by a colleague)."""
    return User.objects.create_user(
        username=username, password="x-Unused-123", role=user.role, organisation=user.organisation
    )


def test_recommending_settles_every_provincial_officers_to_recommend_notification() -> None:
    province, pilot = f.user("demo-province"), f.user("demo-pilot")
    colleague = _second(province, "province-colleague")
    experience = services.submit_experience(experience=f.draft(), by=pilot)
    notifications.derive()
    assert _open_actions(province, experience) == 1 and _open_actions(colleague, experience) == 1
    experience = services.recommend_experience(experience=experience, by=colleague)
    notifications.derive()
    assert _open_actions(province, experience) == 0 and _open_actions(colleague, experience) == 0
    commission = list(User.objects.filter(is_active=True, role__in=[Role.NATIONAL_ADMIN, Role.NATIONAL_OFFICER]))
    assert commission and all(_open_actions(u, experience) == 1 for u in commission)  # the next step is open
    experience = services.select_experience(experience=experience, by=f.user("demo-national"), batch=f.batch())
    notifications.derive()
    assert all(_open_actions(u, experience) == 0 for u in commission)
    # The pilot's own news (推荐, 入选) is not touched: it is information, read when the pilot reads it.
    assert Notification.objects.filter(recipient=pilot, kind=Kind.DECISION, read_at__isnull=True).count() == 1


def test_returning_and_declining_settle_too_and_a_new_submission_asks_again() -> None:
    province, pilot = f.user("demo-province"), f.user("demo-pilot")
    experience = services.submit_experience(experience=f.draft(), by=pilot)
    notifications.derive()
    experience = services.return_experience(experience=experience, by=province, comment="请补充数据。")
    notifications.derive()
    assert _open_actions(province, experience) == 0
    experience = services.submit_experience(experience=experience, by=pilot)  # asked again: open again
    notifications.derive()
    assert _open_actions(province, experience) == 1
    experience = services.recommend_experience(experience=experience, by=province)
    national = f.user("demo-national")
    services.decline_experience(experience=experience, by=national, comment="做法尚不成熟。")
    notifications.derive()  # the recommendation and the decline derived in one run
    assert _open_actions(province, experience) == 0 and _open_actions(national, experience) == 0


def test_settling_leaves_other_experiences_open() -> None:
    province, pilot = f.user("demo-province"), f.user("demo-pilot")
    first = services.submit_experience(experience=f.draft(title="甲"), by=pilot)
    second = services.submit_experience(experience=f.draft(title="乙"), by=pilot)
    notifications.derive()
    services.recommend_experience(experience=first, by=province)
    notifications.derive()
    assert _open_actions(province, first) == 0 and _open_actions(province, second) == 1


def _selected() -> Experience:
    experience = services.submit_experience(experience=f.draft(), by=f.user("demo-pilot"))
    experience = services.recommend_experience(experience=experience, by=f.user("demo-province"))
    return services.select_experience(experience=experience, by=f.user("demo-national"), batch=f.batch())


def _titles_of_the_pilot() -> list[str]:
    rows = Notification.objects.filter(recipient__username="demo-pilot", kind="decision").order_by("id")
    return list(rows.values_list("title", flat=True))


def test_publishing_tells_the_pilot_once_that_it_is_published() -> None:
    experience = _selected()
    notifications.derive()
    before = Notification.objects.filter(recipient__username="demo-pilot").count()
    services.publish_experience(experience=experience, by=f.user("demo-national"))
    notifications.derive()
    assert Notification.objects.filter(recipient__username="demo-pilot").count() == before + 1
    assert [t for t in _titles_of_the_pilot() if t.endswith("已发布")] == ["典型经验《深化户籍制度改革的做法》：已发布"]


def test_a_selection_derived_after_the_publication_still_says_selected_not_published_again() -> None:
    """The centre runs after commit and catches up (a task queued late, the demo): each event keeps its move."""
    services.publish_experience(experience=_selected(), by=f.user("demo-national"))
    notifications.derive()
    assert _titles_of_the_pilot() == [
        "典型经验《深化户籍制度改革的做法》：已入选推广批次",
        "典型经验《深化户籍制度改革的做法》：已发布",
    ]
