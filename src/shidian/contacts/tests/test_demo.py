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


def test_demo_phones_dial_the_area_code_of_the_pilots_city() -> None:
    """Office phone and fax carry the code of the pilot's prefecture (or the capital's), never a random one."""
    from shidian.contacts.area_codes import area_code

    entries = ContactEntry.objects.current().select_related("pilot__province", "pilot__division", "organisation")
    codes = {}
    for entry in entries.filter(pilot__isnull=False):
        pilot = entry.pilot
        assert pilot is not None
        division = pilot.division.code if pilot.division is not None else None
        expected = area_code(province_code=pilot.province.code, division_code=division)
        for phone in (entry.office_phone, entry.fax):
            assert not phone or phone.startswith(f"{expected}-"), (pilot.name, phone, expected)
        codes[pilot.name] = entry.office_phone.split("-")[0]
    assert codes["柳州市"] == "0772" and codes["来宾市"] == "0772" and codes["北流市"] == "0775"  # 玉林
    assert codes["靖西市"] == "0776" and codes["顺义区"] == "010" and codes["临沂市兰山区义堂镇"] == "0539"
    assert codes["江苏省"] == "025" and codes["海西蒙古族藏族自治州格尔木市"] == "0979"
    guangxi = entries.get(organisation__kind="provincial_commission", organisation__province__name="广西壮族自治区")
    assert guangxi.office_phone.startswith("0771-")  # 南宁
    assert all(e.office_phone.startswith("010-") for e in entries.filter(organisation__kind="ministry"))


@pytest.mark.parametrize(
    ("province", "division", "code"),
    [
        ("45", "450200", "0772"),  # 柳州市
        ("45", "450981", "0775"),  # 北流市 → 玉林
        ("45", None, "0771"),  # 六景镇 without a division → 南宁
        ("13", "130682", "0312"),  # 定州市 → 保定
        ("13", "130100", "0311"),  # 石家庄 (a capital)
        ("42", "429004", "0728"),  # 仙桃市, its own code
        ("52", "520300", "0851"),  # 遵义: 贵州's one code
        ("41", "410225", "0378"),  # 兰考县 → 开封, its own code (not 郑州's 0371)
        ("41", "410184", "0371"),  # 新郑市 → 郑州
        ("43", "430200", "0731"),  # 株洲: 长株潭 share 长沙's code
        ("15", "150500", "0475"),  # 通辽
        ("62", "620300", "0935"),  # 金昌, 武威's code
        ("11", "110113", "010"),
    ],
)
def test_the_area_code_of_a_place(province: str, division: str | None, code: str) -> None:
    from shidian.contacts.area_codes import area_code

    assert area_code(province_code=province, division_code=division) == code
