"""The system admin keeps reference data only: nothing business data hangs on can be deleted in the admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Max
from django.test import Client

from shidian.accounts.models import Organisation, OrganisationKind
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.indicators.models import DataQualityIssue, Indicator, ValidationRule
from shidian.pilots.models import PilotArea


@pytest.fixture
def watermark(db: None) -> int:
    return AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0


def rule(name: str = "常住人口同比") -> ValidationRule:
    indicator = Indicator.objects.get(code="resident_population")
    return ValidationRule.objects.create(name=name, kind="yoy", indicator=indicator, max_change_percent=30)


def issue_for(validation_rule: ValidationRule) -> DataQualityIssue:
    return DataQualityIssue.objects.create(
        pilot=PilotArea.objects.get(name="柳州市"),
        indicator=validation_rule.indicator,
        period="2018",
        kind="rule",
        rule=validation_rule,
        message="同比变动过大",
        follow_up="已电话核实",
    )


@pytest.mark.django_db
class TestReferenceDeletion:
    def test_a_rule_with_issues_is_not_deleted_and_the_attempt_is_audited(
        self, client_as: Callable[[str], Client], watermark: int
    ) -> None:
        used = rule()
        issue = issue_for(used)
        client = client_as("demo-sysadmin")
        page = client.get(f"/admin/indicators/validationrule/{used.pk}/delete/")
        assert page.status_code == 200
        assert "同比变动过大" in page.content.decode()  # listed as what blocks the deletion
        client.post(f"/admin/indicators/validationrule/{used.pk}/delete/", {"post": "yes"})
        assert ValidationRule.objects.filter(pk=used.pk).exists()
        assert DataQualityIssue.objects.get(pk=issue.pk).follow_up == "已电话核实"
        [event] = AuditEvent.objects.filter(id__gt=watermark, action="admin.delete_refused")
        assert (event.success, event.object_id, event.actor_username) == (False, str(used.pk), "demo-sysadmin")
        assert any("同比变动过大" in line for line in event.detail["would_touch"])
        assert not AuditEvent.objects.filter(id__gt=watermark, action=AuditAction.ADMIN_DELETED).exists()

    def test_a_bulk_delete_cannot_take_a_used_rule_either(self, client_as: Callable[[str], Client]) -> None:
        used, spare = rule(), rule("备用规则")
        issue_for(used)
        client_as("demo-sysadmin").post(
            "/admin/indicators/validationrule/",
            {"action": "delete_selected", "_selected_action": [used.pk, spare.pk], "post": "yes"},
        )
        assert ValidationRule.objects.filter(pk__in=[used.pk, spare.pk]).count() == 2

    def test_the_database_refuses_it_too(self) -> None:
        from django.db import transaction
        from django.db.models import ProtectedError

        used = rule()
        issue_for(used)
        with pytest.raises(ProtectedError), transaction.atomic():
            used.delete()

    def test_an_unused_rule_is_deleted_with_its_content_audited(
        self, client_as: Callable[[str], Client], watermark: int
    ) -> None:
        spare = rule("备用规则")
        response = client_as("demo-sysadmin").post(
            f"/admin/indicators/validationrule/{spare.pk}/delete/", {"post": "yes"}
        )
        assert response.status_code == 302
        assert not ValidationRule.objects.filter(pk=spare.pk).exists()
        [event] = AuditEvent.objects.filter(id__gt=watermark, action=AuditAction.ADMIN_DELETED)
        assert event.object_type == "indicators.ValidationRule"
        assert event.changes["name"] == ["备用规则", None]

    def test_an_organisation_with_users_is_not_deleted(
        self, client_as: Callable[[str], Client], user: Callable[[str], Any]
    ) -> None:
        unit = user("demo-province").organisation
        client_as("demo-secadmin").post(f"/admin/accounts/organisation/{unit.pk}/delete/", {"post": "yes"})
        assert Organisation.objects.filter(pk=unit.pk).exists()

    @pytest.mark.parametrize(
        "url",
        ["/admin/indicators/indicator/{indicator}/delete/", "/admin/plans/focusarea/{focus}/delete/"],
    )
    def test_indicators_and_focus_areas_are_deactivated_never_deleted(
        self, client_as: Callable[[str], Client], url: str
    ) -> None:
        from shidian.plans.focus_areas import ensure_focus_areas
        from shidian.plans.models import FocusArea

        ensure_focus_areas()
        indicator = Indicator.objects.get(code="resident_population")
        focus = FocusArea.objects.order_by("pk").first()
        assert focus is not None
        target = url.format(indicator=indicator.pk, focus=focus.pk)
        assert client_as("demo-sysadmin").post(target, {"post": "yes"}).status_code in {403, 404}
        assert Indicator.objects.filter(pk=indicator.pk).exists() and FocusArea.objects.filter(pk=focus.pk).exists()

    def test_an_organisation_without_anything_attached_may_go(self, client_as: Callable[[str], Client]) -> None:
        spare = Organisation.objects.create(kind=OrganisationKind.MINISTRY, name="测试部门")
        client_as("demo-secadmin").post(f"/admin/accounts/organisation/{spare.pk}/delete/", {"post": "yes"})
        assert not Organisation.objects.filter(pk=spare.pk).exists()
