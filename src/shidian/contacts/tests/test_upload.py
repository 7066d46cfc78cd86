"""The annex-3 upload: every row checked, errors name row and column, a refused file changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from shidian.contacts import upload
from shidian.contacts.fields import PILOT, PROVINCE
from shidian.contacts.models import ContactEntry
from shidian.contacts.tests import factories as f
from shidian.core import clock
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import ImportRejected, NotFound
from shidian.core.models import AuditEvent
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


def _refused(content: bytes, *, changes_only: bool = False) -> list[str]:
    contact_round = f.make_round(changes_only=changes_only)
    with pytest.raises(ImportRejected) as rejected:
        upload.apply_upload(submission=f.guangxi_submission(contact_round), content=content, by=f.user("demo-province"))
    assert not ContactEntry.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.CONTACTS_UPLOAD_REJECTED, success=False).exists()
    return [str(e) for e in rejected.value.errors]


def test_a_complete_file_records_every_pilot_and_a_second_upload_changes_only_what_changed() -> None:
    contact_round = f.make_round()
    pilots = f.round_pilots(contact_round)
    submission, officer = f.guangxi_submission(contact_round), f.user("demo-province")
    with clock.travel_to(dt.date(2016, 12, 5)):
        changed = upload.apply_upload(submission=submission, content=f.annex3(f.row_for(p) for p in pilots), by=officer)
    assert changed == len(pilots) == ContactEntry.objects.filter(round=contact_round).count()
    rows = [f.row_for(p) for p in pilots]
    rows[0]["手机"] = "13600000000"
    with clock.travel_to(dt.date(2017, 1, 9)):
        assert upload.apply_upload(submission=submission, content=f.annex3(rows), by=officer) == 1
    assert ContactEntry.objects.filter(pilot=pilots[0]).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.CONTACTS_UPLOADED).count() == 2


def test_a_malformed_phone_and_email_are_refused_naming_row_and_column() -> None:
    pilots = f.round_pilots(f.make_round())
    rows = [f.row_for(p) for p in pilots]
    rows[0]["办公电话"] = "2801234"
    rows[-1]["电子邮箱"] = "lzsdb.example.com"
    errors = _refused(f.annex3(rows))
    assert any(e.startswith("工作表“附件3”，第 2 行，“办公电话”列：") and "2801234" in e for e in errors)
    assert any(f"第 {len(rows) + 1} 行，“电子邮箱”列" in e for e in errors)


def test_an_upload_missing_a_pilot_names_the_pilot() -> None:
    pilots = f.round_pilots(f.make_round())
    errors = _refused(f.annex3(f.row_for(p) for p in pilots[1:]))
    assert any(f"缺少试点“{pilots[0].name}”" in e and "“试点地区”列" in e for e in errors)


def test_an_unknown_name_and_another_provinces_pilot_are_refused() -> None:
    pilots = f.round_pilots(f.make_round())
    other = PilotArea.objects.exclude(province__name=f.GUANGXI).select_related("province").first()
    assert other is not None
    rows = [f.row_for(p) for p in pilots]
    rows.append(f.row_for(pilots[0], **{PILOT: "不存在县"}))
    rows.append(f.row_for(pilots[0], **{PILOT: other.name}))
    rows.append(f.row_for(pilots[0], **{PROVINCE: other.province.name}))
    errors = _refused(f.annex3(rows))
    first = len(pilots) + 2
    assert any(f"第 {first} 行，“试点地区”列" in e and "不存在县" in e for e in errors)
    assert any(f"第 {first + 1} 行，“试点地区”列" in e and "不属于本省" in e for e in errors)
    assert any(f"第 {first + 2} 行，“省份”列" in e and "只能报送本省" in e for e in errors)


def test_missing_required_columns_are_named() -> None:
    from shidian.core.documents import xlsx

    book = xlsx.workbook()
    xlsx.add_sheet(book, "附件3", [PROVINCE, PILOT], [[f.GUANGXI, "柳州市"]])
    errors = _refused(xlsx.to_bytes(book))
    assert any("“负责人姓名”列：缺少必需的列" in e for e in errors)


def test_a_changes_only_round_takes_just_the_changed_pilots() -> None:
    contact_round = f.make_round(changes_only=True)
    pilot = f.round_pilots(contact_round)[0]
    changed = upload.apply_upload(
        submission=f.guangxi_submission(contact_round), content=f.annex3([f.row_for(pilot)]), by=f.user("demo-province")
    )
    assert changed == 1


def test_another_province_cannot_upload_for_guangxi() -> None:
    contact_round = f.make_round()
    with pytest.raises(NotFound):
        upload.apply_upload(
            submission=f.guangxi_submission(contact_round), content=f.annex3([]), by=f.user("demo-pilot")
        )


def _snapshot() -> list[tuple[object, ...]]:
    return list(ContactEntry.objects.order_by("pk").values_list("pk", "pilot_id", "mobile", "email", "valid_until"))


@pytest.mark.parametrize("fault", ["phone", "email", "missing", "unknown", "other_province"])
def test_a_refused_second_upload_leaves_the_recorded_versions_as_they_were(fault: str) -> None:
    """Bad input after a good upload: refused with a Chinese message naming the place, and nothing changes."""
    contact_round = f.make_round()
    pilots = f.round_pilots(contact_round)
    submission, officer = f.guangxi_submission(contact_round), f.user("demo-province")
    with clock.travel_to(dt.date(2016, 12, 5)):
        upload.apply_upload(submission=submission, content=f.annex3(f.row_for(p) for p in pilots), by=officer)
    before = _snapshot()
    rows = [f.row_for(p) for p in pilots]
    rows[0]["手机"] = "13600000000"  # a real change, which must not be kept either
    other = PilotArea.objects.exclude(province__name=f.GUANGXI).first()
    assert other is not None
    expected = {
        "phone": "“办公电话”列",
        "email": "“电子邮箱”列",
        "missing": f"缺少试点“{pilots[-1].name}”",
        "unknown": "不存在县",
        "other_province": "不属于本省",
    }[fault]
    if fault == "phone":
        rows[1]["办公电话"] = "772-12"
    elif fault == "email":
        rows[1]["电子邮箱"] = "lzsdb@"
    elif fault == "missing":
        rows.pop()
    elif fault == "unknown":
        rows.append(f.row_for(pilots[0], **{PILOT: "不存在县"}))
    else:
        rows.append(f.row_for(pilots[0], **{PILOT: other.name}))
    with clock.travel_to(dt.date(2017, 1, 9)), pytest.raises(ImportRejected) as rejected:
        upload.apply_upload(submission=submission, content=f.annex3(rows), by=officer)
    assert any(expected in str(e) for e in rejected.value.errors), [str(e) for e in rejected.value.errors]
    assert _snapshot() == before
