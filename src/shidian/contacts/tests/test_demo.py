"""The demo: contacts for every pilot (marked 演示, valid formats), a batch-3 round with one late province."""

from __future__ import annotations

import pytest

from shidian.contacts import demo
from shidian.contacts.models import ContactEntry, ContactRound, SubmissionStatus
from shidian.contacts.validators import normalise_landline, normalise_mobile
from shidian.core import clock
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.pilots.models import PilotArea

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_world")]


def test_every_pilot_has_current_demo_contacts_in_valid_formats() -> None:
    current = ContactEntry.objects.current().filter(pilot__isnull=False)
    batch3 = demo.BATCH3_ROUND
    late = ContactRound.objects.get(title=batch3).submissions.get(status=SubmissionStatus.DRAFT).province
    missing = PilotArea.objects.exclude(contact_entries__valid_until__isnull=True, contact_entries__isnull=False)
    assert set(missing.values_list("province_id", flat=True)) <= {late.pk}  # only the late province has gaps
    for entry in current:
        assert entry.is_demo and entry.leader_name.endswith("（演示）") and entry.contact_name.endswith("（演示）")
        assert normalise_landline(entry.office_phone, label="办公电话") == entry.office_phone
        assert normalise_mobile(entry.mobile, label="手机") == entry.mobile
    assert AuditEvent.objects.filter(action=AuditAction.CONTACTS_DEMO_LOADED).exists()


def test_the_batch3_round_has_exactly_one_late_province_and_the_changes_round_is_complete() -> None:
    full = ContactRound.objects.get(title=demo.BATCH3_ROUND)
    today = clock.today()
    assert full.due_on.isoformat() == "2016-12-09"
    assert [s.is_late(today) for s in full.submissions.select_related("round")].count(True) == 1
    changes = ContactRound.objects.get(title=demo.CHANGES_ROUND)
    assert changes.changes_only and not changes.submissions.filter(status=SubmissionStatus.DRAFT).exists()


def test_liuzhou_changed_its_contact_person_in_2018() -> None:
    import datetime as dt

    versions = ContactEntry.objects.filter(pilot__name="柳州市").order_by("valid_from")
    assert versions.count() >= 2
    assert versions.on(dt.date(2018, 3, 1)).get().contact_name == "覃丽华（演示）"
