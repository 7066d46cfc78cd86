"""Contact pages: who sees them (404 otherwise), every view and export audited, query counts, the flows."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from shidian.contacts import services
from shidian.contacts.models import ContactEntry, SubmissionStatus
from shidian.contacts.tests import factories as f
from shidian.core import clock
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


def _record_all(contact_round: Any = None, **overrides: str) -> list[PilotArea]:
    pilots = list(PilotArea.objects.filter(province__name=f.GUANGXI))
    with clock.travel_to(dt.date(2016, 12, 5)):
        for pilot in pilots:
            services.record_contact(
                by=f.user("demo-province"), pilot=pilot, values=f.values(**overrides), contact_round=contact_round
            )
    return pilots


def _submission_url(contact_round: Any, name: str = "contacts:submission") -> str:
    return reverse(name, kwargs={"contact_round_id": contact_round.pk, "province_id": f.liuzhou().province_id})


def test_the_list_is_for_the_nation_the_province_and_the_pilot_never_ministries_or_departments(
    client_as: ClientAs,
) -> None:
    pilots = _record_all()
    url = reverse("contacts:home") + "?on=2017-01-01"
    html = client_as("demo-national").get(url).content.decode()
    assert html.count("13907721234") == len(pilots)
    assert client_as("demo-province").get(url).content.decode().count("13907721234") == len(pilots)
    assert client_as("demo-pilot").get(url).content.decode().count("13907721234") == 1  # its own pilot only
    for username in ("demo-ministry", "demo-department", "demo-expert", "demo-auditor"):
        assert client_as(username).get(url).status_code == 404
        assert client_as(username).get(reverse("contacts:export")).status_code == 404


def test_viewing_and_exporting_the_list_is_audited(client_as: ClientAs) -> None:
    _record_all()
    client = client_as("demo-national")
    client.get(reverse("contacts:home") + "?on=2017-01-01")
    client.get(reverse("contacts:export") + "?on=2017-01-01")
    viewed = AuditEvent.objects.get(action=AuditAction.CONTACT_LIST_VIEWED)
    exported = AuditEvent.objects.get(action=AuditAction.CONTACT_LIST_EXPORTED)
    assert viewed.actor_username == exported.actor_username == "demo-national"
    assert viewed.detail["on"] == "2017-01-01" and exported.detail["rows"] > 0


def test_the_national_list_keeps_its_query_count(client_as: ClientAs, django_assert_max_num_queries: Any) -> None:
    """The list and the export cost the same number of queries whatever the number of rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shidian.core.actors import system

    _record_all()
    client = client_as("demo-national")
    counts = []
    for more in (False, True):
        if more:
            with clock.travel_to(dt.date(2016, 12, 5)):
                for pilot in PilotArea.objects.exclude(province__name=f.GUANGXI)[:20]:
                    services.record_contact(by=system("tests"), pilot=pilot, values=f.values())
        with CaptureQueriesContext(connection) as page, CaptureQueriesContext(connection):
            assert client.get(reverse("contacts:home") + "?on=2017-01-01").status_code == 200
        with CaptureQueriesContext(connection) as export:
            assert client.get(reverse("contacts:export") + "?on=2017-01-01").status_code == 200
        counts.append((len(page), len(export)))
    assert counts[0] == counts[1]
    # Session, user, organisation, count, page, audit (lock on PostgreSQL, previous hash, insert), session save.
    with django_assert_max_num_queries(14):
        client.get(reverse("contacts:home") + "?on=2017-01-01")


def test_the_export_is_the_annex3_layout_and_formula_safe(client_as: ClientAs) -> None:
    _record_all(leader_name="=HYPERLINK(1)")
    response = client_as("demo-national").get(reverse("contacts:export") + "?on=2017-01-01")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["序号", "省份", "试点地区", "批次"] and "负责人姓名" in header and "电子邮箱" in header
    cell = sheet.cell(row=2, column=header.index("负责人姓名") + 1)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_the_exports_second_sheet_heads_its_columns_with_the_units_not_the_pilots_layout(
    client_as: ClientAs,
) -> None:
    from shidian.accounts.models import Organisation, OrganisationKind
    from shidian.contacts.fields import PERSON_COLUMNS

    _record_all()
    ministry = Organisation.objects.get(kind=OrganisationKind.MINISTRY, name="住房城乡建设部")
    commission = f.user("demo-province").organisation
    assert commission is not None
    with clock.travel_to(dt.date(2016, 12, 5)):
        services.record_contact(
            by=f.user("demo-national"), organisation=ministry, values=f.values(mobile="13800001111")
        )
        services.record_contact(by=f.user("demo-province"), organisation=commission, values=f.values())
    response = client_as("demo-national").get(reverse("contacts:export") + "?on=2017-01-01")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["试点地区", "省级发展改革部门和部委"]
    sheet = book.worksheets[1]
    header = [c.value for c in sheet[1]]
    assert header == ["序号", "省份", "单位", *(c.header for c in PERSON_COLUMNS)]
    rows = {row[header.index("单位")]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {ministry.name, commission.name}
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [1, 2]
    assert rows[commission.name][header.index("省份")] == f.GUANGXI
    assert rows[ministry.name][header.index("省份")] is None  # a ministry has no province
    assert rows[ministry.name][header.index("手机")] == "13800001111"
    stored = ContactEntry.objects.get(organisation=commission)
    for column in PERSON_COLUMNS:  # every person column sits under its own header
        assert rows[commission.name][header.index(column.header)] == getattr(stored, column.field), column.header
    assert len(header) == sheet.max_column  # no column without a header


def test_another_provinces_answer_is_not_found(client_as: ClientAs) -> None:
    contact_round = f.make_round()
    other = contact_round.submissions.exclude(province__name=f.GUANGXI).first()
    assert other is not None, "the round over 柳州市's batch asks other provinces too"
    url = reverse(
        "contacts:submission", kwargs={"contact_round_id": contact_round.pk, "province_id": other.province_id}
    )
    assert client_as("demo-province").get(url).status_code == 404
    assert client_as("demo-province").post(url + "submit/").status_code == 404
    assert client_as("demo-national").get(url).status_code == 200


def test_the_province_fills_the_form_sees_field_errors_then_submits(client_as: ClientAs) -> None:
    contact_round = f.make_round()
    client = client_as("demo-province")
    pilot = f.round_pilots(contact_round)[0]
    edit = reverse(
        "contacts:edit_pilot",
        kwargs={"contact_round_id": contact_round.pk, "province_id": pilot.province_id, "pilot_id": pilot.pk},
    )
    response = client.post(edit, f.values(mobile="1234"))
    assert response.status_code == 200 and "手机“1234”格式不正确" in response.content.decode()
    assert not ContactEntry.objects.exists()
    with clock.travel_to(dt.date(2016, 12, 6)):
        for p in f.round_pilots(contact_round):
            url = edit.replace(f"/pilot/{pilot.pk}/", f"/pilot/{p.pk}/")
            assert client.post(url, f.values()).status_code == 302
        step = client.post(_submission_url(contact_round, "contacts:submit"))
        assert step.status_code == 200 and 'data-testid="confirm-step"' in step.content.decode()
        assert f.guangxi_submission(contact_round).status == SubmissionStatus.DRAFT  # nothing yet
        confirmed = client.post(_submission_url(contact_round, "contacts:submit"), {"confirmed": "1"})
        assert confirmed.status_code == 302
    assert f.guangxi_submission(contact_round).status == SubmissionStatus.SUBMITTED
    assert AuditEvent.objects.filter(action=AuditAction.CONTACT_LIST_VIEWED, object_id=str(pilot.pk)).exists()


def test_a_refused_upload_shows_each_error_and_changes_nothing(client_as: ClientAs) -> None:
    contact_round = f.make_round()
    pilots = f.round_pilots(contact_round)
    rows = [f.row_for(p) for p in pilots]
    rows[0]["手机"] = "138"
    file = io.BytesIO(f.annex3(rows))
    file.name = "annex3.xlsx"
    response = client_as("demo-province").post(_submission_url(contact_round, "contacts:upload"), {"file": file})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="upload-errors"' in html and "第 2 行" in html and "手机" in html
    assert not ContactEntry.objects.exists()


def test_the_round_page_shows_missing_and_late_provinces(client_as: ClientAs) -> None:
    contact_round = f.make_round()
    with clock.travel_to(dt.date(2016, 12, 20)):
        html = client_as("demo-national").get(reverse("contacts:round", kwargs={"contact_round_id": contact_round.pk}))
        text = html.content.decode()
    count = contact_round.submissions.count()
    assert f"{count} 个省份未报送" in text and f"{count} 个逾期" in text
    assert client_as("demo-province").get(reverse("contacts:round", kwargs={"contact_round_id": contact_round.pk}))[
        "Location"
    ] == _submission_url(contact_round)


def test_the_workbench_shows_the_open_round_to_the_province_and_the_missing_provinces_to_the_nation(
    client_as: ClientAs,
) -> None:
    from shidian.workbench import selectors as bench

    contact_round = f.make_round()
    with clock.travel_to(dt.date(2016, 12, 1)):
        province = {s.key: s for s in bench.workbench_for(user=f.user("demo-province")).sections}
        national = {s.key: s for s in bench.workbench_for(user=f.user("demo-national")).sections}
    assert [i.url for i in province["contact_round"].items] == [_submission_url(contact_round)]
    assert len(national["contact_missing"].items) == contact_round.submissions.count()


def test_a_list_as_of_a_day_names_each_unit_as_it_was_called_then(client_as: ClientAs) -> None:
    """自然资源部 was 国土资源部 until the 2018 reorganisation: a 2017 list says so, a 2019 list does not."""
    from shidian.accounts.models import Organisation, OrganisationKind

    land = Organisation.objects.get(kind=OrganisationKind.MINISTRY, name="自然资源部")
    with clock.travel_to(dt.date(2016, 12, 5)):
        services.record_contact(by=f.user("demo-national"), organisation=land, values=f.values())
    national = client_as("demo-national")
    for day, name in (("2017-01-01", "国土资源部"), ("2019-01-01", "自然资源部")):
        response = national.get(reverse("contacts:export") + f"?on={day}")
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[1]
        units = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert units == [name], day
        page = national.get(reverse("contacts:home") + f"?on={day}").content.decode()
        other = "自然资源部" if name == "国土资源部" else "国土资源部"
        assert f"<td>{other}" not in page and f"<td>{name}" in page, day
