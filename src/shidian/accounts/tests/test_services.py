"""Account services and the role model: one role per account, roles fit organisations, every change audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from shidian.accounts import selectors, services
from shidian.accounts.models import ROLE_ORGANISATION_KINDS, AccountChange, Organisation, OrganisationKind, User
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


# ---------------------------------------------------------------- create_user (the platform) and request_account (web)


def guangxi_commission() -> Organisation:
    return organisation(OrganisationKind.PROVINCIAL_COMMISSION, province__name="广西壮族自治区")


def liuzhou_office() -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.PILOT_OFFICE, pilot__name="柳州市")


@pytest.mark.django_db
class TestCreateUser:
    def create(self, by: Any = None, **overrides: Any) -> User:
        values: dict[str, Any] = {
            "username": "nn-officer",
            "password": GOOD_PASSWORD,
            "role": Role.PROVINCIAL_OFFICER,
            "organisation": guangxi_commission(),
            "full_name": "南宁工作人员",
        }
        values.update(overrides)
        return services.create_user(by=by or system("tests"), **values)

    def test_the_platform_creates_an_account_with_a_temporary_password(self) -> None:
        created = self.create(phone="0771-1234567")
        stored = User.objects.get(username="nn-officer")
        assert stored.pk == created.pk
        assert stored.check_password(GOOD_PASSWORD)
        assert stored.password_changed_at is None
        assert stored.one_time_code_expires_at is not None
        [event] = events("accounts.user.created")
        assert (event.actor, event.actor_username, event.object_id) == (None, "tests", str(created.pk))
        assert event.changes["role"] == [None, Role.PROVINCIAL_OFFICER]
        assert "password" not in event.changes

    def test_admin_duties_are_staff(self) -> None:
        created = self.create(role=Role.AUDITOR, organisation=organisation(OrganisationKind.OPERATIONS))
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
    def test_refuses_a_role_that_does_not_fit_the_organisation(self, role: str, kind: str) -> None:
        with pytest.raises(DomainError) as raised:
            self.create(role=role, organisation=organisation(kind))
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

    @pytest.mark.parametrize(
        "password", ["Sh0rt#", "nocapitals0001", "nn-officer#2026A", "Password1", DEMO_PASSWORD, "shidian#DEMO2026"]
    )
    def test_refuses_a_weak_common_or_documented_password(self, password: str) -> None:
        with pytest.raises(ValidationError):
            self.create(password=password)
        assert not User.objects.filter(username="nn-officer").exists()
        assert not events("accounts.user.created")

    def test_the_demo_password_is_allowed_for_demo_accounts_only(self) -> None:
        created = self.create(password=DEMO_PASSWORD, is_demo=True, password_is_temporary=False)
        assert created.check_password(DEMO_PASSWORD)

    def test_refuses_a_taken_or_malformed_username(self) -> None:
        with pytest.raises(DomainError, match="已存在"):
            self.create(username="demo-province")
        with pytest.raises(ValidationError):
            self.create(username="nn officer")
        assert not events("accounts.user.created")

    def test_nobody_creates_accounts_directly_through_it(self, user: Callable[[str], User]) -> None:
        with pytest.raises(DomainError, match="审批"):
            services.create_user(
                username="nn-officer",
                password=GOOD_PASSWORD,
                role=Role.PROVINCIAL_OFFICER,
                organisation=guangxi_commission(),
                by=user("demo-secadmin"),  # type: ignore[arg-type]
            )
        assert not User.objects.filter(username="nn-officer").exists()


@pytest.mark.django_db
class TestRequestAccount:
    def request(self, by: User, **overrides: Any) -> services.ProposedAccount:
        values: dict[str, Any] = {
            "username": "nn-officer",
            "role": Role.PROVINCIAL_OFFICER,
            "organisation": guangxi_commission(),
            "full_name": "南宁工作人员",
        }
        values.update(overrides)
        return services.request_account(by=by, **values)

    def test_a_new_account_is_inactive_with_a_one_time_code_until_approved(self, user: Callable[[str], User]) -> None:
        secadmin = user("demo-secadmin")
        proposed = self.request(secadmin, phone="0771-1234567", email="nn@example.gov.cn")
        stored = User.objects.get(username="nn-officer")
        assert stored.is_active is False
        assert stored.check_password(proposed.one_time_code)
        assert stored.password_changed_at is None
        assert stored.one_time_code_expires_at is not None
        assert (stored.phone, stored.email, stored.is_staff) == ("0771-1234567", "nn@example.gov.cn", False)
        change = proposed.change
        assert (change.status, change.kind, change.requested_by) == ("pending", "new_account", secadmin)
        assert (change.role, change.organisation) == (Role.PROVINCIAL_OFFICER, guangxi_commission())
        [created] = events("accounts.user.created")
        assert (created.actor, created.object_id) == (secadmin, str(stored.pk))
        assert created.organisation_name == str(secadmin.organisation)
        assert "password" not in created.changes
        [requested] = events("accounts.change.requested")
        assert (requested.actor, requested.object_id) == (secadmin, str(change.pk))
        assert proposed.one_time_code not in str(requested.detail) + str(created.changes)

    def test_the_one_time_code_passes_the_policy_and_is_never_the_same(self) -> None:
        from django.contrib.auth.password_validation import validate_password

        codes = {services.generate_one_time_code() for _i in range(50)}
        assert len(codes) == 50
        for code in list(codes)[:10]:
            validate_password(code, User(username="someone"))

    def test_the_pending_account_cannot_sign_in(self, user: Callable[[str], User]) -> None:
        from django.test import Client

        proposed = self.request(user("demo-secadmin"))
        client = Client()
        client.post("/accounts/login/", {"username": "nn-officer", "password": proposed.one_time_code})
        assert "_auth_user_id" not in client.session

    @pytest.mark.parametrize("role", sorted(ADMIN_DUTIES))
    def test_admin_duties_cannot_be_created_through_the_web(self, user: Callable[[str], User], role: str) -> None:
        with pytest.raises(DomainError, match="create_admin"):
            self.request(user("demo-secadmin"), role=role, organisation=organisation(OrganisationKind.OPERATIONS))
        assert not User.objects.filter(username="nn-officer").exists()

    def test_a_national_admin_is_created_pending_not_active(self, user: Callable[[str], User]) -> None:
        proposed = self.request(
            user("demo-secadmin"),
            role=Role.NATIONAL_ADMIN,
            organisation=organisation(OrganisationKind.NATIONAL_COMMISSION),
        )
        assert User.objects.get(pk=proposed.user.pk).is_active is False

    def test_refuses_a_role_that_does_not_fit(self, user: Callable[[str], User]) -> None:
        with pytest.raises(DomainError, match="不能属于"):
            self.request(user("demo-secadmin"), organisation=organisation(OrganisationKind.MINISTRY))
        assert not User.objects.filter(username="nn-officer").exists()

    @pytest.mark.parametrize("username", ["demo-national", "demo-province", "demo-auditor", "demo-sysadmin"])
    def test_only_the_security_admin_requests_accounts(self, user: Callable[[str], User], username: str) -> None:
        with pytest.raises(DomainError, match="安全管理员"):
            self.request(user(username))
        assert not User.objects.filter(username="nn-officer").exists()

    def test_the_platform_itself_may_create_accounts_as_a_named_system_actor(self) -> None:
        created = TestCreateUser().create(system("load_demo"))
        [event] = events("accounts.user.created")
        assert (event.actor, event.actor_username, event.object_id) == (None, "load_demo", str(created.pk))

    def test_nobody_may_not_create_accounts(self, user: Callable[[str], User]) -> None:
        for by in (None, user("demo-secadmin")):  # a person goes through request_account and its approval
            with pytest.raises(DomainError, match="审批"):
                services.create_user(
                    username="nn-officer",
                    password=GOOD_PASSWORD,
                    role=Role.PROVINCIAL_OFFICER,
                    organisation=guangxi_commission(),
                    by=by,  # type: ignore[arg-type]
                )
        assert not User.objects.filter(username="nn-officer").exists()


# ---------------------------------------------------------------- approval (four eyes)


@pytest.mark.django_db
class TestApproval:
    def new_pilot_account(self, user: Callable[[str], User]) -> services.ProposedAccount:
        return services.request_account(
            username="lz-newcomer", role=Role.PILOT_OFFICER, organisation=liuzhou_office(), by=user("demo-secadmin")
        )

    def test_the_provincial_officer_approves_its_pilots_accounts(self, user: Callable[[str], User]) -> None:
        proposed = self.new_pilot_account(user)
        province = user("demo-province")
        assert list(selectors.pending_account_changes_for(province)) == [proposed.change]
        services.approve_account_change(change=proposed.change, by=province)
        stored = User.objects.get(pk=proposed.user.pk)
        assert stored.is_active is True
        assert stored.one_time_code_expires_at is not None
        assert not selectors.pending_account_changes_for(province).exists()
        [event] = events("accounts.change.approved")
        assert (event.actor, event.changes) == (province, {"is_active": [False, True]})

    @pytest.mark.parametrize(
        "username", ["demo-national", "demo-secadmin", "demo-auditor", "demo-pilot", "demo-sysadmin"]
    )
    def test_nobody_else_approves_a_pilot_account(self, user: Callable[[str], User], username: str) -> None:
        proposed = self.new_pilot_account(user)
        with pytest.raises(DomainError, match="所属层级"):
            services.approve_account_change(change=proposed.change, by=user(username))
        assert User.objects.get(pk=proposed.user.pk).is_active is False
        assert not selectors.pending_account_changes_for(user(username)).exists()

    def test_another_provinces_officer_does_not_approve(self, user: Callable[[str], User]) -> None:
        other = services.create_user(
            username="gd-officer",
            password=GOOD_PASSWORD,
            role=Role.PROVINCIAL_OFFICER,
            organisation=organisation(OrganisationKind.PROVINCIAL_COMMISSION, province__name="广东省"),
            password_is_temporary=False,
            by=system("tests"),
        )
        proposed = self.new_pilot_account(user)
        assert not selectors.pending_account_changes_for(other).exists()
        with pytest.raises(DomainError):
            services.approve_account_change(change=proposed.change, by=other)

    @pytest.mark.parametrize(
        "kind",
        [
            OrganisationKind.NATIONAL_COMMISSION,
            OrganisationKind.MINISTRY,
            OrganisationKind.PROVINCIAL_COMMISSION,
            OrganisationKind.EXPERT_PANEL,
        ],
    )
    def test_the_national_admin_approves_national_ministry_and_provincial_accounts(
        self, user: Callable[[str], User], kind: str
    ) -> None:
        roles: dict[str, str] = {
            OrganisationKind.NATIONAL_COMMISSION: Role.NATIONAL_OFFICER,
            OrganisationKind.MINISTRY: Role.MINISTRY_REVIEWER,
            OrganisationKind.PROVINCIAL_COMMISSION: Role.PROVINCIAL_OFFICER,
            OrganisationKind.EXPERT_PANEL: Role.EXPERT,
        }
        role = roles[kind]
        unit = (
            organisation(kind, province__name="广西壮族自治区")
            if kind == OrganisationKind.PROVINCIAL_COMMISSION
            else organisation(kind)
        )
        proposed = services.request_account(username="someone", role=role, organisation=unit, by=user("demo-secadmin"))
        with pytest.raises(DomainError):
            services.approve_account_change(change=proposed.change, by=user("demo-province"))
        services.approve_account_change(change=proposed.change, by=user("demo-national"))
        assert User.objects.get(pk=proposed.user.pk).is_active is True

    def test_a_rejected_account_stays_disabled_and_cannot_be_decided_again(self, user: Callable[[str], User]) -> None:
        proposed = self.new_pilot_account(user)
        services.reject_account_change(change=proposed.change, by=user("demo-province"), reason="不是本单位人员")
        assert User.objects.get(pk=proposed.user.pk).is_active is False
        [event] = events("accounts.change.rejected")
        assert event.detail["reason"] == "不是本单位人员"
        with pytest.raises(DomainError, match="已审批"):
            services.approve_account_change(change=proposed.change, by=user("demo-province"))
        assert User.objects.get(pk=proposed.user.pk).is_active is False

    def test_the_auditor_sees_every_pending_and_decided_change_but_approves_none(
        self, user: Callable[[str], User]
    ) -> None:
        first = self.new_pilot_account(user)
        second = services.request_account(
            username="nn-officer",
            role=Role.PROVINCIAL_OFFICER,
            organisation=guangxi_commission(),
            by=user("demo-secadmin"),
        )
        services.approve_account_change(change=second.change, by=user("demo-national"))
        auditor = user("demo-auditor")
        assert {c.pk for c in selectors.account_changes_for(auditor)} >= {first.change.pk, second.change.pk}
        assert not selectors.pending_account_changes_for(auditor).exists()
        with pytest.raises(DomainError):
            services.approve_account_change(change=first.change, by=auditor)

    def test_nobody_approves_a_change_of_their_own_account(self, user: Callable[[str], User]) -> None:
        national = user("demo-national")
        services.update_user(user=national, by=user("demo-secadmin"), role=Role.NATIONAL_OFFICER)
        change = national.account_changes.get(status="pending")
        assert not selectors.pending_account_changes_for(national).exists()
        with pytest.raises(DomainError, match="自己"):
            services.approve_account_change(change=change, by=national)
        assert user("demo-national").role == Role.NATIONAL_ADMIN


# ---------------------------------------------------------------- update_user


@pytest.mark.django_db
class TestUpdateUser:
    def test_a_role_change_waits_for_approval_then_applies(self, user: Callable[[str], User]) -> None:
        secadmin = user("demo-secadmin")
        services.update_user(
            user=user("demo-pilot"),
            by=secadmin,
            role=Role.DEPARTMENT_USER,
            organisation=organisation(OrganisationKind.PILOT_DEPARTMENT, pilot__name="柳州市") or liuzhou_office(),
        )
        assert user("demo-pilot").role == Role.PILOT_OFFICER
        assert not events("accounts.user.permissions_changed")
        [requested] = events("accounts.change.requested")
        assert requested.changes["role"] == [Role.PILOT_OFFICER, Role.DEPARTMENT_USER]

    def test_a_national_role_change_is_approved_by_another_national_admin(self, user: Callable[[str], User]) -> None:
        secadmin = user("demo-secadmin")
        second = services.create_user(
            username="second-national",
            password=GOOD_PASSWORD,
            role=Role.NATIONAL_ADMIN,
            organisation=organisation(OrganisationKind.NATIONAL_COMMISSION),
            password_is_temporary=False,
            by=system("tests"),
        )
        updated = services.update_user(user=user("demo-national"), by=secadmin, role=Role.NATIONAL_OFFICER)
        assert updated.role == Role.NATIONAL_ADMIN == user("demo-national").role
        [change] = selectors.pending_account_changes_for(second)
        services.approve_account_change(change=change, by=second)
        assert user("demo-national").role == Role.NATIONAL_OFFICER
        [event] = events("accounts.change.approved")
        assert event.changes == {"role": [Role.NATIONAL_ADMIN, Role.NATIONAL_OFFICER]}

    def test_a_move_to_another_organisation_is_pending(self, user: Callable[[str], User]) -> None:
        ministry = organisation(OrganisationKind.MINISTRY, name="公安部")
        services.update_user(user=user("demo-ministry"), by=user("demo-secadmin"), organisation=ministry)
        assert str(user("demo-ministry").organisation) == "住房城乡建设部"
        [change] = selectors.pending_account_changes_for(user("demo-national"))
        assert (str(change.from_organisation), str(change.organisation)) == ("住房城乡建设部", "公安部")

    def test_deactivating_applies_at_once_reactivating_waits(self, user: Callable[[str], User]) -> None:
        secadmin = user("demo-secadmin")
        services.update_user(user=user("demo-ministry"), by=secadmin, is_active=False)
        assert user("demo-ministry").is_active is False
        [event] = events("accounts.user.permissions_changed")
        assert event.changes == {"is_active": [True, False]}
        services.update_user(user=user("demo-ministry"), by=secadmin, is_active=True)
        assert user("demo-ministry").is_active is False
        [change] = selectors.pending_account_changes_for(user("demo-national"))
        assert change.activate is True
        services.approve_account_change(change=change, by=user("demo-national"))
        assert user("demo-ministry").is_active is True

    def test_a_second_change_waits_for_the_first(self, user: Callable[[str], User]) -> None:
        secadmin = user("demo-secadmin")
        services.update_user(
            user=user("demo-ministry"), by=secadmin, organisation=organisation(OrganisationKind.MINISTRY, name="公安部")
        )
        with pytest.raises(DomainError, match="待审批"):
            services.update_user(
                user=user("demo-ministry"),
                by=secadmin,
                organisation=organisation(OrganisationKind.MINISTRY, name="民政部"),
            )
        assert AccountChange.objects.filter(user=user("demo-ministry"), status="pending").count() == 1

    def test_other_changes_are_audited_as_updates(self, user: Callable[[str], User]) -> None:
        services.update_user(user=user("demo-pilot"), by=user("demo-secadmin"), phone="0772-2000000")
        [event] = events("accounts.user.updated")
        assert event.changes == {"phone": ["", "0772-2000000"]}
        assert not events("accounts.user.permissions_changed")
        assert not events("accounts.change.requested")

    def test_no_change_leaves_no_event(self, user: Callable[[str], User]) -> None:
        services.update_user(user=user("demo-pilot"), by=user("demo-secadmin"), role=Role.PILOT_OFFICER)
        assert not new_events(action__startswith="accounts.").exists()

    def test_refuses_a_role_that_does_not_fit_and_changes_nothing(self, user: Callable[[str], User]) -> None:
        with pytest.raises(DomainError, match="不能属于"):
            services.update_user(user=user("demo-province"), by=user("demo-secadmin"), role=Role.PILOT_OFFICER)
        assert user("demo-province").role == Role.PROVINCIAL_OFFICER
        assert not new_events(action__startswith="accounts.").exists()

    @pytest.mark.parametrize("role", sorted(ADMIN_DUTIES))
    def test_no_account_becomes_an_admin_duty_through_the_web(self, user: Callable[[str], User], role: str) -> None:
        with pytest.raises(DomainError, match="create_admin"):
            services.update_user(user=user("demo-province"), by=user("demo-secadmin"), role=role)
        assert user("demo-province").role == Role.PROVINCIAL_OFFICER

    def test_admin_duty_accounts_change_contact_details_only(self, user: Callable[[str], User]) -> None:
        secadmin = user("demo-secadmin")
        panel = organisation(OrganisationKind.EXPERT_PANEL)
        with pytest.raises(DomainError, match="create_admin"):
            services.update_user(user=user("demo-sysadmin"), by=secadmin, role=Role.EXPERT, organisation=panel)
        with pytest.raises(DomainError, match="create_admin"):
            services.update_user(user=user("demo-auditor"), by=secadmin, is_active=False)
        assert (user("demo-sysadmin").role, user("demo-auditor").is_active) == (Role.SYSTEM_ADMIN, True)
        services.update_user(user=user("demo-auditor"), by=secadmin, phone="010-2")
        assert user("demo-auditor").phone == "010-2"

    def test_the_platform_changes_admin_duties_directly(self, user: Callable[[str], User]) -> None:
        services.update_user(user=user("demo-auditor"), by=system("tests"), role=Role.SYSTEM_ADMIN)
        assert user("demo-auditor").is_staff is True
        assert user("demo-auditor").role == Role.SYSTEM_ADMIN

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


# ---------------------------------------------------------------- passwords


@pytest.mark.django_db
class TestChangePassword:
    def test_by_the_user_it_is_permanent_and_ends_the_one_time_code(self, user: Callable[[str], User]) -> None:
        code = services.issue_one_time_code(user=user("demo-pilot"), by=user("demo-secadmin"))
        account = user("demo-pilot")
        assert account.check_password(code) and account.one_time_code_expires_at is not None
        services.change_password(user=account, new_password="Mine#Liuzhou02", by=account)
        stored = user("demo-pilot")
        assert stored.check_password("Mine#Liuzhou02")
        assert stored.password_changed_at is not None
        assert stored.one_time_code_expires_at is None
        [event] = events("accounts.password.changed")
        assert event.actor == stored

    def test_a_reset_is_a_one_time_code(self, user: Callable[[str], User]) -> None:
        code = services.issue_one_time_code(user=user("demo-pilot"), by=user("demo-secadmin"))
        stored = user("demo-pilot")
        assert stored.check_password(code)
        assert stored.password_changed_at is None
        [event] = events("accounts.password.reset")
        assert (event.actor_username, event.object_id) == ("demo-secadmin", str(stored.pk))

    @pytest.mark.parametrize("username", ["demo-auditor", "demo-sysadmin", "demo-secadmin"])
    def test_admin_duty_passwords_are_not_reset_through_the_web(
        self, user: Callable[[str], User], username: str
    ) -> None:
        with pytest.raises(DomainError):
            services.issue_one_time_code(user=user(username), by=user("demo-secadmin"))
        assert user(username).check_password(DEMO_PASSWORD)

    @pytest.mark.parametrize("username", ["demo-national", "demo-auditor", "demo-sysadmin", "demo-secadmin"])
    def test_nobody_sets_another_users_password(self, user: Callable[[str], User], username: str) -> None:
        with pytest.raises(DomainError):
            services.change_password(user=user("demo-pilot"), new_password="Reset#Liuzhou03", by=user(username))
        if username != "demo-secadmin":
            with pytest.raises(DomainError):
                services.issue_one_time_code(user=user("demo-pilot"), by=user(username))
        assert user("demo-pilot").check_password(DEMO_PASSWORD)

    def test_refuses_reuse_and_weak_passwords(self, user: Callable[[str], User]) -> None:
        account = user("demo-pilot")
        with pytest.raises(DomainError, match="相同"):
            services.change_password(user=account, new_password=DEMO_PASSWORD, by=account)
        with pytest.raises(ValidationError):
            services.change_password(user=account, new_password="weakweak", by=account)
        assert user("demo-pilot").check_password(DEMO_PASSWORD)
        assert not new_events(action__startswith="accounts.password.").exists()

    def test_a_real_account_cannot_take_the_demo_password(self, user: Callable[[str], User]) -> None:
        real = services.create_user(
            username="real-one",
            password=GOOD_PASSWORD,
            role=Role.PILOT_OFFICER,
            organisation=liuzhou_office(),
            password_is_temporary=False,
            by=system("tests"),
        )
        with pytest.raises(ValidationError, match="公开"):
            services.change_password(user=real, new_password=DEMO_PASSWORD, by=real)
