"""The audit trail: what an event records, that nothing can change or remove one, and who may read it."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.test import Client, RequestFactory, override_settings
from django.utils.translation import gettext_lazy

from shidian.accounts.models import User
from shidian.core import audit
from shidian.core.models import AppendOnlyError, AuditEvent, AuditEventQuerySet
from shidian.pilots.models import PilotArea

AUDIT_PAGE = "/system/audit/"
PROXY = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.fixture
def trail(db: None) -> Callable[..., AuditEventQuerySet]:
    """Audit events written by the test (the shared set-up already wrote some)."""
    watermark = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0

    def new(**lookup: Any) -> AuditEventQuerySet:
        return AuditEvent.objects.filter(id__gt=watermark, **lookup)

    return new


@pytest.fixture
def event(user: Callable[[str], User]) -> AuditEvent:
    pilot = PilotArea.objects.get(name="柳州市")
    with audit.request_context(ip="10.1.2.3"):
        return audit.record(
            action=audit.AuditAction.PILOT_WARNED,
            actor=user("demo-national"),
            obj=pilot,
            changes={"status": ["active", "warned"]},
            detail={"document": "发改规划〔2018〕1号"},
        )


# ---------------------------------------------------------------- what an event records


@pytest.mark.django_db
class TestRecord:
    def test_records_who_where_what_which_object_and_the_change(
        self, event: AuditEvent, user: Callable[[str], User]
    ) -> None:
        stored = AuditEvent.objects.get(pk=event.pk)
        national = user("demo-national")
        pilot = PilotArea.objects.get(name="柳州市")
        assert stored.actor == national
        assert stored.actor_username == "demo-national"
        assert stored.organisation_name == "国家发展改革委发展规划司"
        assert stored.ip == "10.1.2.3"
        assert stored.action == "pilots.pilot.warned"
        assert (stored.object_type, stored.object_id, stored.object_repr) == (
            "pilots.PilotArea",
            str(pilot.pk),
            str(pilot),
        )
        assert stored.success is True
        assert stored.changes == {"status": ["active", "warned"]}
        assert stored.detail == {"document": "发改规划〔2018〕1号"}
        assert stored.occurred_at is not None

    def test_an_anonymous_failure_keeps_the_name_that_was_tried(self) -> None:
        stored = audit.record(action=audit.AuditAction.LOGIN_FAILED, success=False, username="nobody")
        stored.refresh_from_db()
        assert (stored.actor, stored.actor_username, stored.organisation_name, stored.ip) == (None, "nobody", "", None)
        assert stored.success is False

    def test_values_are_stored_as_plain_json(self, user: Callable[[str], User]) -> None:
        key = uuid.UUID("12345678-1234-5678-1234-567812345678")
        stored = audit.record(
            action=audit.AuditAction.AUDIT_VERIFIED,
            changes={
                "when": [dt.date(2016, 12, 9), dt.datetime(2017, 1, 1, 8, 0, tzinfo=dt.UTC)],
                "amount": [decimal.Decimal("1.50"), None],
            },
            detail={
                "by": user("demo-pilot"),
                "label": gettext_lazy("成功"),
                "key": key,
                "nested": {"d": dt.date(2020, 1, 1)},
                "span": dt.timedelta(minutes=5),
            },
        )
        stored.refresh_from_db()
        assert stored.changes == {"when": ["2016-12-09", "2017-01-01T08:00:00+00:00"], "amount": ["1.50", None]}
        assert stored.detail == {
            "by": "柳州市试点办工作人员（演示）",
            "label": "成功",
            "key": str(key),
            "nested": {"d": "2020-01-01"},
            "span": 300.0,
        }

    def test_diff_keeps_only_changed_fields(self) -> None:
        assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}

    def test_the_address_comes_from_the_request(self) -> None:
        factory = RequestFactory()
        assert audit.client_ip(factory.get("/", REMOTE_ADDR="192.0.2.7")) == "192.0.2.7"
        # A forwarded header is the client's own claim, even behind a proxy, unless the peer is a trusted proxy.
        spoofed = factory.get("/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
        assert audit.client_ip(spoofed) == "192.0.2.7"
        with override_settings(SECURE_PROXY_SSL_HEADER=PROXY):
            assert audit.client_ip(spoofed) == "192.0.2.7"
        assert audit.client_ip(factory.get("/", REMOTE_ADDR="2001:db8::1")) == "2001:db8::1"

    def test_a_trusted_proxy_names_the_client_and_nobody_else_does(self) -> None:
        factory = RequestFactory()
        via_nginx = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
        with override_settings(TRUSTED_PROXIES=frozenset({"127.0.0.1"})):
            assert audit.client_ip(via_nginx) == "203.0.113.9"
            # A client's own header before the proxy's entry is not believed: the proxy's entry is last.
            chained = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9")
            assert audit.client_ip(chained) == "203.0.113.9"
            direct = factory.get("/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
            assert audit.client_ip(direct) == "192.0.2.7"
            assert audit.client_ip(factory.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
        assert audit.client_ip(via_nginx) == "127.0.0.1"  # no proxy trusted: the peer

    def test_an_address_that_is_not_one_is_not_stored(self) -> None:
        """The column is an inet on PostgreSQL: junk there would make every audited request fail."""
        factory = RequestFactory()
        assert audit.client_ip(factory.get("/", REMOTE_ADDR="")) is None
        assert audit.client_ip(factory.get("/", REMOTE_ADDR="unix:/run/x.sock")) is None

    def test_requests_carry_their_address_into_events(
        self, client_as: Callable[[str], Client], trail: Callable[..., AuditEventQuerySet]
    ) -> None:
        client_as("demo-auditor").get(AUDIT_PAGE, REMOTE_ADDR="10.9.8.7")
        assert trail(action="core.audit.searched").get().ip == "10.9.8.7"
        client_as("demo-auditor").get(AUDIT_PAGE, REMOTE_ADDR="10.9.8.6", HTTP_X_FORWARDED_FOR="192.0.2.1")
        assert trail(action="core.audit.searched").order_by("-id")[0].ip == "10.9.8.6"
        # Outside a request nothing is made up.
        assert audit.record(action=audit.AuditAction.AUDIT_VERIFIED).ip is None


# ---------------------------------------------------------------- append-only


@pytest.mark.django_db
class TestAppendOnly:
    def assert_untouched(self, event: AuditEvent) -> None:
        stored = AuditEvent.objects.get(pk=event.pk)
        assert (stored.action, stored.actor_username, stored.changes) == (
            "pilots.pilot.warned",
            "demo-national",
            {"status": ["active", "warned"]},
        )

    def test_an_event_cannot_be_saved_again(self, event: AuditEvent) -> None:
        event.action = "pilots.pilot.forgiven"
        with pytest.raises(AppendOnlyError):
            event.save()
        self.assert_untouched(event)

    def test_a_new_instance_cannot_take_an_existing_id(self, event: AuditEvent) -> None:
        with pytest.raises(AppendOnlyError):
            AuditEvent(pk=event.pk, action="pilots.pilot.forgiven").save()
        self.assert_untouched(event)

    def test_an_event_cannot_be_deleted(self, event: AuditEvent) -> None:
        with pytest.raises(AppendOnlyError):
            event.delete()
        self.assert_untouched(event)

    def test_querysets_cannot_update_or_delete(self, event: AuditEvent) -> None:
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).update(action="pilots.pilot.forgiven")
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.update(success=False)
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).delete()
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.all().delete()
        self.assert_untouched(event)

    def test_bulk_writes_cannot_overwrite(self, event: AuditEvent) -> None:
        event.action = "pilots.pilot.forgiven"
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.bulk_update([event], ["action"])
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.bulk_create(
                [AuditEvent(pk=event.pk, action="pilots.pilot.forgiven")],
                update_conflicts=True,
                update_fields=["action"],
                unique_fields=["id"],
            )
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "pilots.pilot.forgiven"})
        self.assert_untouched(event)
        # Appending in bulk would leave the events out of the hash chain: only audit.record appends.
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.bulk_create([AuditEvent(action="core.audit.verified")])
        with pytest.raises(AppendOnlyError):
            AuditEvent(action="core.audit.verified").save()

    def test_the_database_refuses_raw_changes(self, event: AuditEvent) -> None:
        """PostgreSQL has a trigger (and the app role's grants, test_database_roles.py); SQLite has triggers."""
        table = AuditEvent._meta.db_table
        assert table == "core_auditevent"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
                )
                assert [row[0] for row in cursor.fetchall()] == ["core_auditevent_append_only"]
            else:
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
                assert sorted(row[0] for row in cursor.fetchall()) == [
                    "core_auditevent_no_delete",
                    "core_auditevent_no_update",
                ]
        for sql in (
            "UPDATE core_auditevent SET action = 'pilots.pilot.forgiven' WHERE id = %s",
            "DELETE FROM core_auditevent WHERE id = %s",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [event.pk])
        self.assert_untouched(event)

    def test_accounts_with_history_cannot_be_deleted(self, event: AuditEvent, user: Callable[[str], User]) -> None:
        from django.db.models import ProtectedError

        with pytest.raises(ProtectedError), transaction.atomic():
            user("demo-national").delete()
        self.assert_untouched(event)


# ---------------------------------------------------------------- the audit page


OTHERS = [
    "demo-national",
    "demo-ministry",
    "demo-province",
    "demo-pilot",
    "demo-department",
    "demo-expert",
    "demo-secadmin",
    "demo-sysadmin",
]


@pytest.mark.django_db
class TestAuditPage:
    @pytest.mark.parametrize("username", OTHERS)
    def test_only_auditors_read_the_trail(
        self, client_as: Callable[[str], Client], username: str, trail: Callable[..., AuditEventQuerySet]
    ) -> None:
        assert client_as(username).get(AUDIT_PAGE, {"q": "demo"}).status_code == 404
        assert not trail(action="core.audit.searched").exists()

    def test_anonymous_users_meet_the_login_page(self, client: Client) -> None:
        response = client.get(AUDIT_PAGE)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_searching_is_audited_with_the_query(
        self, client_as: Callable[[str], Client], user: Callable[[str], User], trail: Callable[..., AuditEventQuerySet]
    ) -> None:
        query = {"q": "柳州", "action": "pilots.", "user": "demo-national"}
        response = client_as("demo-auditor").get(AUDIT_PAGE, query)
        assert response.status_code == 200
        [search] = trail(action="core.audit.searched")
        assert search.actor == user("demo-auditor")
        assert search.detail == {"q": "柳州", "action": "pilots.", "user": "demo-national", "page": "1"}
        assert search.organisation_name == "试点平台运维单位"

    def test_the_page_shows_what_an_event_records(self, client_as: Callable[[str], Client], event: AuditEvent) -> None:
        html = client_as("demo-auditor").get(AUDIT_PAGE, {"action": "pilots.pilot.warned"}).content.decode()
        for text in [
            "demo-national",
            "国家发展改革委发展规划司",
            "10.1.2.3",
            "pilots.pilot.warned",
            "试点警示",
            "柳州市",
            '<span title="status">状态</span>：试点中 → 已警示',
            "预警试点地区",
            "成功",
        ]:
            assert text in html, text
        assert "active → warned" not in html

    def test_filters_by_action_user_and_text(
        self, client_as: Callable[[str], Client], event: AuditEvent, user: Callable[[str], User]
    ) -> None:
        with audit.request_context(ip="10.7.7.7"):
            audit.record(action=audit.AuditAction.LOGIN, actor=user("demo-province"))
            audit.record(action=audit.AuditAction.LOGIN_FAILED, success=False, username="demo-pilot")
        client = client_as("demo-auditor")

        def listed(**query: str) -> set[tuple[str, str]]:
            page = client.get(AUDIT_PAGE, query).context["page"]
            return {(e.action, e.actor_username) for e in page}

        logins = listed(action="accounts.login")
        assert ("accounts.login", "demo-province") in logins
        assert ("accounts.login_failed", "demo-pilot") in logins
        assert {action for action, _name in logins} <= {"accounts.login", "accounts.login_failed"}

        assert {name for _action, name in listed(user="demo-pilot")} == {"demo-pilot"}
        assert ("accounts.login_failed", "demo-pilot") in listed(user="demo-pilot")

        by_text = listed(q="柳州市")
        assert ("pilots.pilot.warned", "demo-national") in by_text
        assert ("accounts.login", "demo-province") not in by_text
        assert listed(q="10.7.7") == {("accounts.login", "demo-province"), ("accounts.login_failed", "demo-pilot")}
        assert listed(q="发展规划司", action="pilots.pilot.") == {("pilots.pilot.warned", "demo-national")}
        assert listed(q="no-such-thing-anywhere") == set()

    def test_the_page_lists_its_own_search_first(self, client_as: Callable[[str], Client]) -> None:
        page = client_as("demo-auditor").get(AUDIT_PAGE).context["page"]
        first = page.object_list[0]
        assert (first.action, first.actor_username) == ("core.audit.searched", "demo-auditor")

    def test_pages_hold_fifty_events_in_few_queries(
        self, client_as: Callable[[str], Client], django_assert_max_num_queries: Any
    ) -> None:
        for _i in range(120):
            audit.record(action=audit.AuditAction.AUDIT_VERIFIED)
        client = client_as("demo-auditor")
        # The search's own event takes three: the chain lock, the previous hash, the insert.
        with django_assert_max_num_queries(14):
            response = client.get(AUDIT_PAGE, {"action": "core.audit.verified"})
        page = response.context["page"]
        assert len(page.object_list) == 50
        assert page.paginator.count == 120
        third = client.get(AUDIT_PAGE, {"action": "core.audit.verified", "page": "3"})
        assert len(third.context["page"].object_list) == 20

    def test_the_page_cannot_be_posted_to(self, client_as: Callable[[str], Client]) -> None:
        assert client_as("demo-auditor").post(AUDIT_PAGE).status_code == 405


# ---------------------------------------------------------------- the admin's audit of reference data


@pytest.mark.django_db
def test_admin_saves_record_before_and_after(
    client_as: Callable[[str], Client], trail: Callable[..., AuditEventQuerySet]
) -> None:
    from shidian.regions.models import Province

    province = Province.objects.get(name="广西壮族自治区")
    client = client_as("demo-sysadmin")
    url = f"/admin/regions/province/{province.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False and v is not None}
    data["short_name"] = "桂（改）"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    [event] = trail(action=audit.AuditAction.ADMIN_CHANGED)
    assert event.object_type == "regions.Province"
    assert event.changes == {"short_name": [province.short_name, "桂（改）"]}
    assert (event.actor_username, event.object_id) == ("demo-sysadmin", str(province.pk))


def test_every_write_once_model_guards_its_querysets_with_the_one_guard() -> None:
    from django.apps import apps

    from shidian.core.models import WriteOnceModel, WriteOnceQuerySet

    guarded = [m for m in apps.get_models() if issubclass(m, WriteOnceModel)]
    assert {m._meta.label for m in guarded} >= {
        "core.AuditEvent",
        "reporting.PilotReportVersion",
        "reporting.ProvinceReportVersion",
    }
    for model in guarded:
        assert isinstance(model._default_manager.all(), WriteOnceQuerySet), model._meta.label
        assert isinstance(model._base_manager.all(), WriteOnceQuerySet), model._meta.label
    # The refusing methods keep the alters_data mark of the methods they override (Django's AltersData):
    # a template never calls them.
    for method in ("update", "delete", "bulk_update"):
        assert getattr(getattr(WriteOnceQuerySet, method), "alters_data", False), method
    assert getattr(AuditEventQuerySet.bulk_create, "alters_data", False)


def test_changes_read_in_chinese_with_field_names_and_choice_labels() -> None:
    from shidian.core import audit_display

    [role] = audit_display.change_lines("accounts.User", {"role": [None, "national_officer"]})
    assert (role.label, role.before, role.after) == ("角色", "—", "国家发展改革委工作人员")
    [active] = audit_display.change_lines("accounts.User", {"is_active": [True, False]})
    assert (active.before, active.after) == ("是", "否")
    [deadline] = audit_display.change_lines("plans.Task", {"deadline": ["2019-06-30", "2019-07-10"]})
    assert (deadline.label, deadline.before, deadline.after) == ("完成期限", "2019年6月30日", "2019年7月10日")
    [unknown] = audit_display.change_lines("no.Such", {"x_y": [1, 2]})
    assert (unknown.label, unknown.before, unknown.after) == ("x_y", "1", "2")  # shown, never dropped
    assert audit_display.action_label("accounts.login") == "登录"
    assert audit_display.action_label("plans.version.submitted", "plans.PlanVersion").startswith("报送")
    assert audit_display.action_label("reporting.province_report.submitted") == "报送省级报告"
    assert audit_display.action_label("something.odd") == "something.odd"
    [page] = audit_display.detail_lines({"page": "2"})
    assert (page.label, page.before) == ("页码", "2")
