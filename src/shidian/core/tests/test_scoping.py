"""The scoping module: who sees which provinces and pilots, and what they may do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.errors import NotFound
from shidian.core.roles import Capability, Reach
from shidian.indicators import permissions as indicator_permissions
from shidian.pilots.models import PilotArea
from shidian.plans import permissions as plan_permissions
from shidian.reporting import permissions as report_permissions


@pytest.mark.django_db
class TestScope:
    def test_national_roles_see_every_pilot(self, user: Callable[[str], User]) -> None:
        for username in ["demo-national", "demo-ministry"]:
            scope = scoping.scope_for(user(username))
            assert scope.is_national
            qs = scoping.restrict(PilotArea.objects.all(), user(username))
            assert qs.count() == PilotArea.objects.count()

    def test_province_sees_only_its_province(self, user: Callable[[str], User]) -> None:
        province_user = user("demo-province")
        visible = scoping.restrict(PilotArea.objects.all(), province_user)
        assert visible.count() == PilotArea.objects.filter(province__name="广西壮族自治区").count() > 0
        assert set(visible.values_list("province__name", flat=True)) == {"广西壮族自治区"}

    @pytest.mark.parametrize("username", ["demo-pilot", "demo-department"])
    def test_pilot_level_sees_only_its_pilot(self, user: Callable[[str], User], username: str) -> None:
        visible = scoping.restrict(PilotArea.objects.all(), user(username))
        assert list(visible.values_list("name", flat=True)) == ["柳州市"]

    def test_own_province_and_pilot_are_those_the_reach_is_bound_to(self, user: Callable[[str], User]) -> None:
        liuzhou = PilotArea.objects.get(name="柳州市")
        assert (scoping.own_province(user("demo-national")), scoping.own_pilot(user("demo-national"))) == (None, None)
        assert (scoping.own_province(user("demo-province")), scoping.own_pilot(user("demo-province"))) == (
            liuzhou.province_id,
            None,
        )
        assert (scoping.own_province(user("demo-pilot")), scoping.own_pilot(user("demo-pilot"))) == (
            liuzhou.province_id,
            liuzhou.pk,
        )
        assert (scoping.own_province(None), scoping.own_pilot(None)) == (None, None)

    @pytest.mark.parametrize("username", ["demo-auditor", "demo-secadmin", "demo-sysadmin", "demo-expert"])
    def test_admin_duties_and_unassigned_experts_see_no_pilot(self, user: Callable[[str], User], username: str) -> None:
        assert not scoping.restrict(PilotArea.objects.all(), user(username), pilot_field="pk").exists()

    def test_admin_duties_have_no_business_reach(self, user: Callable[[str], User]) -> None:
        for username in ["demo-auditor", "demo-secadmin", "demo-sysadmin"]:
            scope = scoping.scope_for(user(username))
            assert scope.reach is Reach.NONE
            assert not scope.sees_business_data
            assert Capability.VIEW_PILOTS not in scope.capabilities

    def test_each_admin_duty_has_exactly_its_own_capability(self, user: Callable[[str], User]) -> None:
        assert scoping.scope_for(user("demo-auditor")).capabilities == {Capability.READ_AUDIT}
        assert scoping.scope_for(user("demo-secadmin")).capabilities == {Capability.MANAGE_ACCOUNTS}
        assert scoping.scope_for(user("demo-sysadmin")).capabilities == {Capability.MANAGE_REFERENCE}

    def test_only_national_admin_imports_the_registry(self, user: Callable[[str], User]) -> None:
        allowed = {u.username for u in User.objects.all() if scoping.can(u, Capability.IMPORT_REGISTRY)}
        assert allowed == {"demo-national"}

    def test_inactive_and_anonymous_users_see_nothing(self, user: Callable[[str], User]) -> None:
        from django.contrib.auth.models import AnonymousUser

        inactive = user("demo-national")
        inactive.is_active = False
        assert scoping.scope_for(inactive).reach is Reach.NONE
        assert scoping.scope_for(AnonymousUser()).reach is Reach.NONE
        assert not scoping.restrict(PilotArea.objects.all(), AnonymousUser(), pilot_field="pk").exists()

    def test_provincial_user_without_province_sees_nothing(self, user: Callable[[str], User]) -> None:
        broken = user("demo-province")
        assert broken.organisation is not None
        broken.organisation.province_id = None
        broken._shidian_scope = None  # type: ignore[attr-defined]
        assert not scoping.restrict(PilotArea.objects.all(), broken, pilot_field="pk").exists()


@pytest.mark.django_db
class TestGetFor:
    def test_hidden_and_missing_look_the_same(self, user: Callable[[str], User]) -> None:
        other = PilotArea.objects.get(name="顺义区")
        missing_id = PilotArea.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
        for pk in [other.pk, missing_id]:
            with pytest.raises(NotFound):
                scoping.get_for(PilotArea.objects.all(), user("demo-province"), pk=pk)

    def test_visible_object_is_returned(self, user: Callable[[str], User]) -> None:
        own = PilotArea.objects.get(name="柳州市")
        got = scoping.get_for(PilotArea.objects.all(), user("demo-pilot"), pk=own.pk)
        assert got == own

    def test_require_raises_404_not_403(self, user: Callable[[str], User]) -> None:
        with pytest.raises(NotFound):
            scoping.require(user("demo-province"), Capability.IMPORT_REGISTRY)
        scoping.require(user("demo-national"), Capability.IMPORT_REGISTRY)


# Who sees 柳州市 (广西) and 顺义区 (北京): the object questions answered by ``sees`` and every app's predicates.
USERS = ["demo-national", "demo-ministry", "demo-province", "demo-pilot", "demo-department", "demo-expert", "nobody"]


def _actor(user: Callable[[str], User], username: str) -> User | None:
    return None if username == "nobody" else user(username)


@pytest.mark.django_db
class TestSees:
    @pytest.mark.parametrize(
        ("username", "liuzhou", "shunyi"),
        [
            ("demo-national", True, True),
            ("demo-ministry", True, True),
            ("demo-province", True, False),
            ("demo-pilot", True, False),
            ("demo-department", True, False),
            ("demo-expert", False, False),
            ("demo-auditor", False, False),
            ("nobody", False, False),
        ],
    )
    def test_sees_answers_as_restrict_does(
        self, user: Callable[[str], User], username: str, liuzhou: bool, shunyi: bool
    ) -> None:
        actor = _actor(user, username)
        for name, expected in (("柳州市", liuzhou), ("顺义区", shunyi)):
            pilot = PilotArea.objects.get(name=name)
            assert scoping.sees(actor, pilot) is expected, (username, name)
            assert scoping.restrict(PilotArea.objects.filter(pk=pilot.pk), actor).exists() is expected

    def test_level_admits_only_that_reach(self, user: Callable[[str], User]) -> None:
        liuzhou = PilotArea.objects.get(name="柳州市")
        assert scoping.sees(user("demo-province"), liuzhou, level=Reach.PROVINCE)
        assert not scoping.sees(user("demo-national"), liuzhou, level=Reach.PROVINCE)
        assert not scoping.sees(user("demo-pilot"), liuzhou, level=Reach.PROVINCE)
        assert scoping.sees(user("demo-pilot"), liuzhou, level=Reach.PILOT)
        assert not scoping.sees(user("demo-province"), liuzhou, level=Reach.PILOT)

    def test_province_and_province_level_objects(self, user: Callable[[str], User]) -> None:
        from shidian.regions.models import Province

        guangxi, beijing = Province.objects.get(name="广西壮族自治区"), Province.objects.get(name="北京市")
        assert scoping.sees(user("demo-province"), guangxi) and not scoping.sees(user("demo-province"), beijing)
        assert not scoping.sees(user("demo-pilot"), guangxi)  # a pilot does not see province-wide objects
        assert scoping.sees(user("demo-national"), beijing)

    def test_a_model_without_a_declared_path_cannot_be_asked_about(self, user: Callable[[str], User]) -> None:
        with pytest.raises(TypeError, match="scope_path"):
            scoping.sees(user("demo-national"), User.objects.get(username="demo-pilot"))

    def test_the_system_actor_reaches_everything_and_nobody_nothing(self) -> None:
        from shidian.core.actors import system

        shunyi = PilotArea.objects.get(name="顺义区")
        assert scoping.sees(system("tests"), shunyi) and scoping.can(system("tests"), Capability.IMPORT_REGISTRY)
        assert not scoping.sees(None, shunyi) and not scoping.can(None, Capability.IMPORT_REGISTRY)


# Each app's predicates, asked for 柳州市 (inside 广西) and 顺义区 (北京) — a predicate that answers True
# (or ignores the scope) fails here. Values: the users (of USERS) for whom the predicate holds.
EVERYONE_IN_REACH = {"demo-national", "demo-ministry", "demo-province", "demo-pilot", "demo-department"}
OFFICERS = {"demo-national", "demo-province", "demo-pilot"}
PREDICATES: list[tuple[Callable[[Any, Any], bool], str, set[str], set[str]]] = [
    # (predicate, what it is asked about, who for 柳州市, who for 顺义区)
    (plan_permissions.sees_pilot, "pilot", EVERYONE_IN_REACH, {"demo-national", "demo-ministry"}),
    (plan_permissions.can_edit_plan, "pilot", {"demo-pilot"}, set()),
    (plan_permissions.can_review_plan, "pilot", {"demo-province"}, set()),
    (indicator_permissions.can_enter, "pilot", {"demo-pilot"}, set()),
    (indicator_permissions.can_accept, "pilot", {"demo-national", "demo-province"}, {"demo-national"}),
    (
        indicator_permissions.can_set_targets,
        "pilot",
        {"demo-national", "demo-province", "demo-pilot"},
        {"demo-national"},
    ),
    (
        indicator_permissions.can_import_for,
        "pilot",
        {"demo-national", "demo-province", "demo-pilot"},
        {"demo-national"},
    ),
    (indicator_permissions.can_follow_up, "issue", {"demo-national", "demo-province"}, {"demo-national"}),
    (report_permissions.can_write_pilot_report, "report", {"demo-pilot"}, set()),
    (report_permissions.can_review_pilot_report, "report", {"demo-province"}, set()),
    (report_permissions.can_write_province_report, "province", {"demo-province"}, set()),
]


def _subject(kind: str, pilot: PilotArea) -> Any:
    from shidian.indicators.models import DataQualityIssue
    from shidian.reporting.models import PilotReport

    return {
        "pilot": pilot,
        "issue": DataQualityIssue(pilot=pilot),
        "report": PilotReport(pilot=pilot),
        "province": pilot.province,
    }[kind]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("predicate", "kind", "liuzhou", "shunyi"), PREDICATES, ids=lambda p: getattr(p, "__name__", "")
)
def test_predicates_follow_scope(
    user: Callable[[str], User], predicate: Callable[[Any, Any], bool], kind: str, liuzhou: set[str], shunyi: set[str]
) -> None:
    for pilot_name, expected in (("柳州市", liuzhou), ("顺义区", shunyi)):
        subject = _subject(kind, PilotArea.objects.select_related("province").get(name=pilot_name))
        allowed = {u for u in USERS if predicate(_actor(user, u), subject)}
        assert allowed == expected, (predicate.__name__, pilot_name)
