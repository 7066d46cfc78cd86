"""The scoping module: who sees which provinces and pilots, and what they may do."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.errors import NotFound
from shidian.core.roles import Capability, Reach
from shidian.pilots.models import PilotArea


@pytest.mark.django_db
class TestScope:
    def test_national_roles_see_every_pilot(self, user: Callable[[str], User]) -> None:
        for username in ["demo-national", "demo-ministry"]:
            scope = scoping.scope_for(user(username))
            assert scope.is_national
            qs = scoping.restrict(PilotArea.objects.all(), user(username), pilot_field="pk")
            assert qs.count() == PilotArea.objects.count()

    def test_province_sees_only_its_province(self, user: Callable[[str], User]) -> None:
        province_user = user("demo-province")
        visible = scoping.restrict(PilotArea.objects.all(), province_user, pilot_field="pk")
        assert visible.count() == PilotArea.objects.filter(province__name="广西壮族自治区").count() > 0
        assert set(visible.values_list("province__name", flat=True)) == {"广西壮族自治区"}

    @pytest.mark.parametrize("username", ["demo-pilot", "demo-department"])
    def test_pilot_level_sees_only_its_pilot(self, user: Callable[[str], User], username: str) -> None:
        visible = scoping.restrict(PilotArea.objects.all(), user(username), pilot_field="pk")
        assert list(visible.values_list("name", flat=True)) == ["柳州市"]

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
                scoping.get_for(PilotArea.objects.all(), user("demo-province"), pk=pk, pilot_field="pk")

    def test_visible_object_is_returned(self, user: Callable[[str], User]) -> None:
        own = PilotArea.objects.get(name="柳州市")
        got = scoping.get_for(PilotArea.objects.all(), user("demo-pilot"), pk=own.pk, pilot_field="pk")
        assert got == own

    def test_require_raises_404_not_403(self, user: Callable[[str], User]) -> None:
        with pytest.raises(NotFound):
            scoping.require(user("demo-province"), Capability.IMPORT_REGISTRY)
        scoping.require(user("demo-national"), Capability.IMPORT_REGISTRY)
