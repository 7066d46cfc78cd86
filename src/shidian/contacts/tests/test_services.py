"""Versions by date, validation, scoping of writes, the round's submission and its lateness."""

from __future__ import annotations

import datetime as dt

import pytest

from shidian.accounts.models import Organisation, OrganisationKind
from shidian.contacts import selectors, services
from shidian.contacts.models import ContactEntry, SubmissionStatus
from shidian.contacts.tests import factories as f
from shidian.core import clock
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, NotFound
from shidian.core.models import AuditEvent
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


def test_a_change_is_a_new_version_and_the_list_as_of_any_day_shows_the_one_in_force() -> None:
    pilot, officer = f.liuzhou(), f.user("demo-province")
    with clock.travel_to(dt.date(2016, 12, 5)):
        first = services.record_contact(by=officer, pilot=pilot, values=f.values())
    with clock.travel_to(dt.date(2018, 3, 1)):
        second = services.record_contact(by=officer, pilot=pilot, values=f.values(contact_name="王五（演示）"))
    assert first is not None and second is not None
    first.refresh_from_db()
    assert first.valid_until == dt.date(2018, 2, 28) and second.valid_until is None
    national = f.user("demo-national")
    on = {
        day: [e.contact_name for e in selectors.contacts_on(user=national, day=day).filter(pilot=pilot)]
        for day in (dt.date(2016, 12, 4), dt.date(2017, 6, 1), dt.date(2018, 3, 1))
    }
    assert on == {
        dt.date(2016, 12, 4): [],
        dt.date(2017, 6, 1): ["李四（演示）"],
        dt.date(2018, 3, 1): ["王五（演示）"],
    }
    assert AuditEvent.objects.filter(action=AuditAction.CONTACT_RECORDED, object_id=str(second.pk)).exists()


def test_a_second_change_the_same_day_replaces_that_days_version_and_an_unchanged_save_writes_nothing() -> None:
    pilot, officer = f.liuzhou(), f.user("demo-province")
    with clock.travel_to(dt.date(2017, 1, 3)):
        services.record_contact(by=officer, pilot=pilot, values=f.values())
        services.record_contact(by=officer, pilot=pilot, values=f.values(mobile="13800001111"))
        events = AuditEvent.objects.filter(action=AuditAction.CONTACT_RECORDED).count()
        assert services.record_contact(by=officer, pilot=pilot, values=f.values(mobile="13800001111")) is None
    assert list(ContactEntry.objects.filter(pilot=pilot).values_list("mobile", flat=True)) == ["13800001111"]
    assert AuditEvent.objects.filter(action=AuditAction.CONTACT_RECORDED).count() == events


def test_values_are_stored_in_one_spelling() -> None:
    entry = services.record_contact(
        by=f.user("demo-province"), pilot=f.liuzhou(), values=f.values(office_phone="（0772）2801234转8")
    )
    assert entry is not None and entry.office_phone == "0772-2801234转8" and entry.fax == "0772-2801235"


def test_a_malformed_phone_is_refused_naming_the_field_and_nothing_is_written() -> None:
    with pytest.raises(DomainError, match="办公电话“2801234”格式不正确"):
        services.record_contact(by=f.user("demo-province"), pilot=f.liuzhou(), values=f.values(office_phone="2801234"))
    with pytest.raises(DomainError, match="电子邮箱"):
        services.record_contact(by=f.user("demo-province"), pilot=f.liuzhou(), values=f.values(email="lzsdb"))
    assert not ContactEntry.objects.exists()


def test_only_the_pilots_own_province_records_its_contacts() -> None:
    other = PilotArea.objects.exclude(province__name=f.GUANGXI).first()
    assert other is not None
    for username, pilot in (("demo-province", other), ("demo-pilot", f.liuzhou()), ("demo-ministry", f.liuzhou())):
        with pytest.raises(NotFound):
            services.record_contact(by=f.user(username), pilot=pilot, values=f.values())
    assert not ContactEntry.objects.exists()


def test_ministry_contacts_are_kept_by_the_commission_and_the_province_keeps_its_own_commission() -> None:
    ministry = Organisation.objects.get(kind=OrganisationKind.MINISTRY, name="住房城乡建设部")
    commission = f.user("demo-province").organisation
    assert services.record_contact(by=f.user("demo-national"), organisation=ministry, values=f.values())
    assert services.record_contact(by=f.user("demo-province"), organisation=commission, values=f.values())
    with pytest.raises(NotFound):
        services.record_contact(by=f.user("demo-province"), organisation=ministry, values=f.values())


def test_a_full_round_is_submitted_only_when_every_pilot_is_complete_and_only_once() -> None:
    contact_round = f.make_round()
    submission = f.guangxi_submission(contact_round)
    officer = f.user("demo-province")
    pilots = f.round_pilots(contact_round)
    with clock.travel_to(dt.date(2016, 12, 5)):
        with pytest.raises(DomainError, match="尚未填写完整"):
            services.submit_contacts(submission=submission, by=officer)
        for pilot in pilots:
            services.record_contact(by=officer, pilot=pilot, values=f.values(), contact_round=contact_round)
        done = services.submit_contacts(submission=submission, by=officer)
        assert done.status == SubmissionStatus.SUBMITTED and done.submitted_on == dt.date(2016, 12, 5)
        assert not done.is_late(clock.today())
        with pytest.raises(DomainError, match="已报送"):
            services.submit_contacts(submission=done, by=officer)
    assert (
        AuditEvent.objects.filter(action=AuditAction.CONTACT_SUBMISSION_SUBMITTED, object_id=str(done.pk)).count() == 1
    )


def test_another_province_cannot_submit_and_a_missing_province_becomes_late_after_the_due_date() -> None:
    contact_round = f.make_round(changes_only=True)
    other = contact_round.submissions.exclude(province__name=f.GUANGXI).select_related("round").first()
    assert other is not None, "the round over 柳州市's batch asks other provinces too"
    with pytest.raises(NotFound):
        services.submit_contacts(submission=other, by=f.user("demo-province"))
    with clock.travel_to(dt.date(2016, 12, 9)):
        assert not other.is_late(clock.today())
    with clock.travel_to(dt.date(2016, 12, 10)):
        assert other.is_late(clock.today())
        rows = selectors.round_progress(user=f.user("demo-national"), contact_round=contact_round)
        assert rows[0].missing and rows[0].late
    assert AuditEvent.objects.filter(action=AuditAction.CONTACT_ROUND_OPENED, object_id=str(contact_round.pk)).exists()


def test_a_changes_only_round_is_submitted_without_changes_and_later_changes_are_dated_versions() -> None:
    contact_round = f.make_round(changes_only=True)
    officer = f.user("demo-province")
    with clock.travel_to(dt.date(2016, 12, 12)):
        done = services.submit_contacts(submission=f.guangxi_submission(contact_round), by=officer)
        assert done.is_late(clock.today())  # submitted after 9 December
    with clock.travel_to(dt.date(2017, 2, 1)):
        entry = services.record_contact(by=officer, pilot=f.liuzhou(), values=f.values())
    assert entry is not None and entry.valid_from == dt.date(2017, 2, 1)


def test_saving_unchanged_in_a_round_confirms_the_version_for_that_round_and_is_audited() -> None:
    pilot, officer = f.liuzhou(), f.user("demo-province")
    with clock.travel_to(dt.date(2016, 11, 20)):
        before = services.record_contact(by=officer, pilot=pilot, values=f.values())
    contact_round = f.make_round(changes_only=True)
    with clock.travel_to(dt.date(2016, 12, 1)):
        assert services.record_contact(by=officer, pilot=pilot, values=f.values(), contact_round=contact_round) is None
    assert before is not None
    [entry] = ContactEntry.objects.filter(pilot=pilot)
    assert (entry.pk, entry.valid_from, entry.round_id) == (before.pk, dt.date(2016, 11, 20), contact_round.pk)
    event = AuditEvent.objects.get(action=AuditAction.CONTACT_CONFIRMED, object_id=str(entry.pk))
    assert event.actor_username == "demo-province" and event.changes == {"round": [None, contact_round.pk]}
