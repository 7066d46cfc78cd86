"""Account services and the role model: one role per account, roles fit organisations, every change audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from shidian.accounts import services
from shidian.accounts.models import ROLE_ORGANISATION_KINDS, Organisation, OrganisationKind, User
from shidian.conftest import DEMO_PASSWORD
from shidian.core.actors import system
from shidian.core.errors import DomainError
from shidian.core.models import AuditEvent, AuditEventQuerySet
from shidian.core.roles import ADMIN_DUTIES, ROLE_CAPABILITIES, ROLE_REACH, Capability, Reach, Role

GOOD_PASSWORD = "Temp#Nanning01"


def organisation(kind: str, **lookup: Any) -> Organisation:
    return Organisation.objects.filter(kind=kind, **lookup).order_by("pk").first()  # type: ignore[return-value]


@pytest.fixture(autouse=True)
def _trail_watermark(db: None) -> None:
    """Remember where the trail stood: the shared set-up already wrote events (demo accounts, registry)."""
    global _watermark
    _watermark = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0


_watermark = 0


def new_events(**lookup: Any) -> AuditEventQuerySet:
    """Audit events written by the test so far."""
    return AuditEvent.objects.filter(id__gt=_watermark, **lookup)


def events(action: str) -> list[AuditEvent]:
    return list(new_events(action=action))


# ---------------------------------------------------------------- roles


class TestRoleTable:
    def test_every_role_has_a_reach_capabilities_and_organisation_kinds(self) -> None:
        assert set(ROLE_REACH) == set(ROLE_CAPABILITIES) == set(ROLE_ORGANISATION_KINDS) == set(Role.values)

    def test_the_three_admin_duties_have_one_capability_each_and_share_none(self) -> None:
        duties = {role: ROLE_CAPABILITIES[role] for role in ADMIN_DUTIES}
        assert duties == {
            Role.AUDITOR: frozenset({Capability.READ_AUDIT}),
            Role.SECURITY_ADMIN: frozenset({Capability.MANAGE_ACCOUNTS}),
            Role.SYSTEM_ADMIN: frozenset({Capability.MANAGE_REFERENCE}),
        }

    def test_admin_duties_reach_no_business_data(self) -> None:
        for role in ADMIN_DUTIES:
            assert ROLE_REACH[role] is Reach.NONE
            assert Capability.VIEW_PILOTS not in ROLE_CAPABILITIES[role]
            assert ROLE_ORGANISATION_KINDS[role] == {OrganisationKind.OPERATIONS}

    def test_business_roles_hold_no_admin_capability(self) -> None:
        admin_capabilities = {Capability.READ_AUDIT, Capability.MANAGE_ACCOUNTS, Capability.MANAGE_REFERENCE}
        for role in set(Role.values) - ADMIN_DUTIES:
            assert not ROLE_CAPABILITIES[role] & admin_capabilities, role
            assert OrganisationKind.OPERATIONS not in ROLE_ORGANISATION_KINDS[role], role


@pytest.mark.django_db
class TestOneRolePerAccount:
    def account(self, **fields: Any) -> User:
        values: dict[str, Any] = {
            "username": "two-hats",
            "role": Role.AUDITOR,
            "organisation": organisation(OrganisationKind.OPERATIONS),
            **fields,
        }
        return User(**values)

    def test_a_superuser_is_refused_by_the_database(self) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            self.account(is_superuser=True).save()
        assert not User.objects.filter(username="two-hats").exists()

    def test_an_account_cannot_be_made_superuser_later(self, user: Callable[[str], User]) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.filter(username="demo-auditor").update(is_superuser=True)
        assert user("demo-auditor").is_superuser is False

    def test_create_superuser_fails(self) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create_superuser(
                "root",
                password=GOOD_PASSWORD,
                role=Role.SYSTEM_ADMIN,
                organisation=organisation(OrganisationKind.OPERATIONS),
            )
        assert not User.objects.filter(username="root").exists()

    @pytest.mark.parametrize("role", ["", "auditor,security_admin", "superuser"])
    def test_the_role_column_holds_exactly_one_known_role(self, role: str) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            self.account(role=role).save()
        assert not User.objects.filter(username="two-hats").exists()

    def test_no_account_holds_permissions_besides_its_role(self) -> None:
        """Django's groups and permissions would be a second role through the back door."""
        assert not User.objects.filter(is_superuser=True).exists()
        assert not User.user_permissions.through.objects.exists()
        assert not User.groups.through.objects.exists()


# ---------------------------------------------------------------- create_user


@pytest.mark.django_db
class TestCreateUser:
    def create(self, by: Any, **overrides: Any) -> User:  # None too: the service must refuse it
        values: dict[str, Any] = {
            "username": "nn-officer",
            "password": GOOD_PASSWORD,
            "role": Role.PROVINCIAL_OFFICER,
            "organisation": organisation(OrganisationKind.PROVINCIAL_COMMISSION, province__name="广西壮族自治区"),
            "full_name": "南宁工作人员",
        }
        values.update(overrides)
        return services.create_user(by=by, **values)

    def test_creates_an_account_with_a_temporary_password_and_audits_it(self, user: Callable[[str], User]) -> None:
        secadmin = user("demo-secadmin")
        created = self.create(secadmin, phone="0771-1234567", email="nn@example.gov.cn")
        stored = User.objects.get(username="nn-officer")
        assert stored.pk == created.pk
        assert stored.check_password(GOOD_PASSWORD)
        assert stored.password_changed_at is None
        assert (stored.role, str(stored.organisation)) == (Role.PROVINCIAL_OFFICER, "广西壮族自治区发展改革委")
        assert (stored.phone, stored.email, stored.is_active, stored.is_staff) == (
            "0771-1234567",
            "nn@example.gov.cn",
            True,
            False,
        )
        [event] = events("accounts.user.created")
        assert (event.actor, event.object_type, event.object_id) == (secadmin, "accounts.User", str(stored.pk))
        assert event.organisation_name == str(secadmin.organisation)
        assert event.changes["role"] == [None, Role.PROVINCIAL_OFFICER]
        assert event.changes["organisation"] == [None, "广西壮族自治区发展改革委"]
        assert "password" not in event.changes

    def test_admin_duties_are_staff(self, user: Callable[[str], User]) -> None:
        created = self.create(
            user("demo-secadmin"), role=Role.AUDITOR, organisation=organisation(OrganisationKind.OPERATIONS)
        )
        assert created.is_staff is True

    @pytest.mark.parametrize(
        ("role", "kind"),
        [
            (Role.PROVINCIAL_OFFICER, OrganisationKind.MINISTRY),
            (Role.AUDITOR, OrganisationKind.NATIONAL_COMMISSION),
            (Role.NATIONAL_ADMIN, OrganisationKind.OPERATIONS),
            (Role.PILOT_OFFICER, OrganisationKind.PROVINCIAL_COMMISSION),
        ],
    )
    def test_refuses_a_role_that_does_not_fit_the_organisation(
        self, user: Callable[[str], User], role: str, kind: str
    ) -> None:
        with pytest.raises(DomainError) as raised:
            self.create(user("demo-secadmin"), role=role, organisation=organisation(kind))
        assert "不能属于" in raised.value.message
        assert str(Role(role).label) in raised.value.message
        assert not User.objects.filter(username="nn-officer").exists()
        assert not events("accounts.user.created")

    def test_the_fit_check_is_public_for_forms(self) -> None:
        ministry = organisation(OrganisationKind.MINISTRY)
        services.check_role_fits(role=Role.MINISTRY_REVIEWER, organisation=ministry)
        with pytest.raises(DomainError, match="联合评审部门"):
            services.check_role_fits(role=Role.PROVINCIAL_OFFICER, organisation=ministry)
        with pytest.raises(DomainError, match="未知角色"):
            services.check_role_fits(role="root", organisation=ministry)

    @pytest.mark.parametrize("password", ["Sh0rt#", "nocapitals0001", "nn-officer#2026A", "Password1"])
    def test_refuses_a_weak_password(self, user: Callable[[str], User], password: str) -> None:
        with pytest.raises(ValidationError):
            self.create(user("demo-secadmin"), password=password)
        assert not User.objects.filter(username="nn-officer").exists()
        assert not events("accounts.user.created")

    def test_refuses_a_taken_or_malformed_username(self, user: Callable[[str], User]) -> None:
        with pytest.raises(DomainError, match="已存在"):
            self.create(user("demo-secadmin"), username="demo-province")
        with pytest.raises(ValidationError):
            self.create(user("demo-secadmin"), username="nn officer")
        assert not events("accounts.user.created")

    @pytest.mark.parametrize("username", ["demo-national", "demo-province", "demo-auditor", "demo-sysadmin"])
    def test_only_the_security_admin_creates_accounts(self, user: Callable[[str], User], username: str) -> None:
        with pytest.raises(DomainError, match="安全管理员"):
            self.create(user(username))
        assert not User.objects.filter(username="nn-officer").exists()

    def test_the_platform_itself_may_create_accounts_as_a_named_system_actor(self) -> None:
        created = self.create(system("load_demo"))
        [event] = events("accounts.user.created")
        assert (event.actor, event.actor_username, event.object_id) == (None, "load_demo", str(created.pk))

    def test_nobody_may_not_create_accounts(self) -> None:
        with pytest.raises(DomainError, match="安全管理员"):
            self.create(None)
        assert not User.objects.filter(username="nn-officer").exists()


# ---------------------------------------------------------------- update_user


@pytest.mark.django_db
class TestUpdateUser:
    def test_a_role_change_is_audited_as_a_permission_change_with_before_and_after(
        self, user: Callable[[str], User]
    ) -> None:
        secadmin = user("demo-secadmin")
        updated = services.update_user(user=user("demo-national"), by=secadmin, role=Role.NATIONAL_OFFICER)
        assert user("demo-national").role == Role.NATIONAL_OFFICER == updated.role
        [event] = events("accounts.user.permissions_changed")
        assert event.changes == {"role": [Role.NATIONAL_ADMIN, Role.NATIONAL_OFFICER]}
        assert (event.actor, event.object_id) == (secadmin, str(updated.pk))

    def test_moving_and_deactivating_are_permission_changes(self, user: Callable[[str], User]) -> None:
        ministry = organisation(OrganisationKind.MINISTRY, name="公安部")
        services.update_user(
            user=user("demo-ministry"), by=user("demo-secadmin"), organisation=ministry, is_active=False
        )
        [event] = events("accounts.user.permissions_changed")
        assert event.changes == {"organisation": ["住房城乡建设部", "公安部"], "is_active": [True, False]}

    def test_other_changes_are_audited_as_updates(self, user: Callable[[str], User]) -> None:
        services.update_user(user=user("demo-pilot"), by=user("demo-secadmin"), phone="0772-2000000")
        [event] = events("accounts.user.updated")
        assert event.changes == {"phone": ["", "0772-2000000"]}
        assert not events("accounts.user.permissions_changed")

    def test_no_change_leaves_no_event(self, user: Callable[[str], User]) -> None:
        services.update_user(user=user("demo-pilot"), by=user("demo-secadmin"), role=Role.PILOT_OFFICER)
        assert not new_events(action__startswith="accounts.user.").exists()

    def test_refuses_a_role_that_does_not_fit_and_changes_nothing(self, user: Callable[[str], User]) -> None:
        with pytest.raises(DomainError, match="不能属于"):
            services.update_user(user=user("demo-province"), by=user("demo-secadmin"), role=Role.SECURITY_ADMIN)
        assert user("demo-province").role == Role.PROVINCIAL_OFFICER
        assert not events("accounts.user.permissions_changed")

    def test_becoming_an_admin_duty_makes_staff_and_leaving_it_unmakes(self, user: Callable[[str], User]) -> None:
        secadmin = user("demo-secadmin")
        services.update_user(user=user("demo-auditor"), by=secadmin, role=Role.SYSTEM_ADMIN)
        assert user("demo-auditor").is_staff is True
        panel = organisation(OrganisationKind.EXPERT_PANEL)
        services.update_user(user=user("demo-sysadmin"), by=secadmin, role=Role.EXPERT, organisation=panel)
        assert user("demo-sysadmin").is_staff is False

    def test_nobody_changes_their_own_permissions(self, user: Callable[[str], User]) -> None:
        secadmin = user("demo-secadmin")
        with pytest.raises(DomainError, match="自己"):
            services.update_user(user=secadmin, by=secadmin, role=Role.AUDITOR)
        assert user("demo-secadmin").role == Role.SECURITY_ADMIN
        services.update_user(user=secadmin, by=secadmin, phone="010-1")
        assert user("demo-secadmin").phone == "010-1"

    def test_refuses_unknown_fields_and_other_roles(self, user: Callable[[str], User]) -> None:
        with pytest.raises(DomainError):
            services.update_user(user=user("demo-pilot"), by=user("demo-secadmin"), is_superuser=True)
        with pytest.raises(DomainError, match="安全管理员"):
            services.update_user(user=user("demo-pilot"), by=user("demo-national"), is_active=False)
        assert user("demo-pilot").is_active is True

    def test_refuses_a_taken_username(self, user: Callable[[str], User]) -> None:
        with pytest.raises(DomainError, match="已存在"):
            services.update_user(user=user("demo-pilot"), by=user("demo-secadmin"), username="demo-province")


# ---------------------------------------------------------------- change_password


@pytest.mark.django_db
class TestChangePassword:
    def test_by_the_user_it_is_permanent(self, user: Callable[[str], User]) -> None:
        account = user("demo-pilot")
        services.change_password(user=account, new_password="Mine#Liuzhou02", by=account)
        stored = user("demo-pilot")
        assert stored.check_password("Mine#Liuzhou02")
        assert stored.password_changed_at is not None
        [event] = events("accounts.password.changed")
        assert event.actor == stored

    def test_by_the_security_admin_it_is_temporary(self, user: Callable[[str], User]) -> None:
        services.change_password(user=user("demo-pilot"), new_password="Reset#Liuzhou03", by=user("demo-secadmin"))
        stored = user("demo-pilot")
        assert stored.check_password("Reset#Liuzhou03")
        assert stored.password_changed_at is None
        [event] = events("accounts.password.reset")
        assert (event.actor_username, event.object_id) == ("demo-secadmin", str(stored.pk))

    @pytest.mark.parametrize("username", ["demo-national", "demo-auditor", "demo-sysadmin"])
    def test_nobody_else_sets_another_users_password(self, user: Callable[[str], User], username: str) -> None:
        with pytest.raises(DomainError):
            services.change_password(user=user("demo-pilot"), new_password="Reset#Liuzhou03", by=user(username))
        assert user("demo-pilot").check_password(DEMO_PASSWORD)

    def test_refuses_reuse_and_weak_passwords(self, user: Callable[[str], User]) -> None:
        account = user("demo-pilot")
        with pytest.raises(DomainError, match="相同"):
            services.change_password(user=account, new_password=DEMO_PASSWORD, by=account)
        with pytest.raises(ValidationError):
            services.change_password(user=account, new_password="weakweak", by=account)
        assert user("demo-pilot").check_password(DEMO_PASSWORD)
        assert not new_events(action__startswith="accounts.password.").exists()
