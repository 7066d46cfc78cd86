"""Reporting pages through the test client: roles, scoping, autosave conflicts, downloads, query counts."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from shidian.accounts.models import User
from shidian.core.actors import system
from shidian.reporting import services
from shidian.reporting.models import Attachment, PilotReport, ReadReceipt, ReportStatus
from shidian.reporting.tests import factories
from shidian.reporting.tests.factories import TEXT, filled_report, submitted_report, year_end

pytestmark = pytest.mark.django_db
UserGetter = Callable[[str], User]
ClientGetter = Callable[[str], Client]


def test_home_for_each_role(client_as: ClientGetter) -> None:
    year_end(2017)
    expectations = {
        "demo-pilot": "pilot-rounds",
        "demo-province": "awaiting",
        "demo-national": "national-inbox",
        "demo-ministry": "ministry-inbox",
        "demo-department": "报告制度",
    }
    for username, marker in expectations.items():
        response = client_as(username).get(reverse("reporting:home"))
        assert response.status_code == 200, username
        assert marker in response.content.decode(), username
    for username in ("demo-auditor", "demo-sysadmin", "demo-secadmin", "demo-expert"):
        assert client_as(username).get(reverse("reporting:home")).status_code == 404


def test_pilot_opens_writes_and_submits_through_the_pages(client_as: ClientGetter) -> None:
    reporting_round = year_end(2017)
    client = client_as("demo-pilot")
    response = client.post(reverse("reporting:open_report"), {"round": reporting_round.pk})
    report = PilotReport.objects.get(round=reporting_round, pilot__name="柳州市")
    assert response.status_code == 302 and response["Location"] == reverse("reporting:report", args=[report.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200 and "工作进展情况" in page.content.decode()
    # Autosave (htmx) returns the new revision.
    saved = client.post(
        reverse("reporting:report_autosave", args=[report.pk]),
        {"revision": 0, **TEXT},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200 and 'value="1"' in saved.content.decode()
    # A second editor with the old revision gets a conflict and nothing is overwritten.
    conflict = client.post(
        reverse("reporting:report_autosave", args=[report.pk]),
        {"revision": 0, "progress": "另一人的内容"},
        HTTP_HX_REQUEST="true",
    )
    assert conflict.status_code == 200 and 'data-testid="conflict"' in conflict.content.decode()
    assert "修订号" in conflict.content.decode() and 'name="revision"' not in conflict.content.decode()
    report.refresh_from_db()
    assert report.progress == f"<p>{TEXT['progress']}</p>"
    # Submitting with an empty section is refused with a clear message.
    refused = client.post(
        reverse("reporting:report_submit", args=[report.pk]), {"revision": 1, **TEXT, "results": ""}, follow=True
    )
    assert "不能为空" in refused.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    done = client.post(reverse("reporting:report_submit", args=[report.pk]), {"revision": 2, **TEXT}, follow=True)
    assert "报告已报送" in done.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_stale_save_without_htmx_keeps_the_editors_text_on_the_page(
    client_as: ClientGetter, user: UserGetter
) -> None:
    report = filled_report(user("demo-pilot"), year_end(2017))
    client = client_as("demo-pilot")
    response = client.post(
        reverse("reporting:report_autosave", args=[report.pk]), {"revision": 0, **TEXT, "progress": "我的新内容"}
    )
    body = response.content.decode()
    assert response.status_code == 409 and "我的新内容" in body and "没有保存" in body
    report.refresh_from_db()
    assert report.progress == f"<p>{TEXT['progress']}</p>"


def test_wrong_attachment_is_refused_on_the_page(client_as: ClientGetter, user: UserGetter) -> None:
    report = filled_report(user("demo-pilot"), year_end(2017))
    client = client_as("demo-pilot")
    bad = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    page = client.post(reverse("reporting:report_attachments", args=[report.pk]), {"file": bad}, follow=True)
    assert "类型不允许" in page.content.decode()
    assert not Attachment.objects.filter(report=report).exists()
    good = SimpleUploadedFile("说明.pdf", b"%PDF-1.4\n...", content_type="application/pdf")
    client.post(reverse("reporting:report_attachments", args=[report.pk]), {"file": good})
    attachment = Attachment.objects.get(report=report)
    download = client.get(reverse("reporting:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


def test_province_returns_and_accepts_and_another_province_gets_404(client_as: ClientGetter, user: UserGetter) -> None:
    report = submitted_report(user("demo-pilot"), year_end(2017))
    province = client_as("demo-province")
    province.post(reverse("reporting:report_return", args=[report.pk]), {"comment": "请补充"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    objects = factories.other_province_objects()
    response = province.post(reverse("reporting:report_return", args=[objects["report_id"]]), {"comment": "x"})
    assert response.status_code == 404
    assert PilotReport.objects.get(pk=objects["report_id"]).status == ReportStatus.SUBMITTED
    assert client_as("demo-ministry").get(reverse("reporting:report", args=[report.pk])).status_code == 404


def test_version_downloads_and_compare(client_as: ClientGetter, user: UserGetter) -> None:
    pilot = user("demo-pilot")
    report = submitted_report(pilot, year_end(2017))
    services.return_pilot_report(report=report, comment="改", by=user("demo-province"))
    report.refresh_from_db()
    report = services.save_pilot_draft(
        report=report, revision=report.revision, sections={"progress": "新进展"}, by=pilot
    )
    services.submit_pilot_report(report=report, by=pilot)
    client = client_as("demo-national")
    version = report.versions.get(number=2)
    docx = client.get(reverse("reporting:version_download", args=[version.pk]) + "?format=docx")
    assert docx.status_code == 200 and "attachment" in docx["Content-Disposition"]
    assert "一、工作进展情况" in [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    pdf = client.get(reverse("reporting:version_download", args=[version.pk]) + "?format=pdf")
    assert pdf.content.startswith(b"%PDF")
    compare = client.get(reverse("reporting:report_compare", args=[report.pk]))
    body = compare.content.decode()
    assert compare.status_code == 200 and "新进展" in body and "无变化" in body


def test_ministry_reads_its_copy_and_the_receipt_is_visible_to_the_province(
    client_as: ClientGetter, user: UserGetter
) -> None:
    from shidian.regions.models import Province

    province_user = user("demo-province")
    reporting_round = year_end(2017)
    report = submitted_report(user("demo-pilot"), reporting_round)
    services.accept_pilot_report(report=report, by=province_user)
    draft = services.open_province_report(
        province=Province.objects.get(name="广西壮族自治区"), reporting_round=reporting_round, by=province_user
    )
    draft = services.save_province_draft(
        report=draft, revision=draft.revision, fields={"overview": "总体"}, pilot_texts={}, by=province_user
    )
    draft = services.submit_province_report(report=draft, by=province_user)
    ministry = client_as("demo-ministry")
    ministry_user = user("demo-ministry")
    copy = draft.versions.get().copies.get(ministry_id=ministry_user.organisation_id)
    assert ministry.get(reverse("reporting:copy", args=[copy.pk])).status_code == 200
    assert ReadReceipt.objects.filter(copy=copy, reader=ministry_user).exists()
    sender = client_as("demo-province").get(reverse("reporting:province_report", args=[draft.pk])).content.decode()
    assert "demo-ministry" in sender
    other = draft.versions.get().copies.exclude(ministry_id=ministry_user.organisation_id).first()
    assert other is not None and ministry.get(reverse("reporting:copy", args=[other.pk])).status_code == 404
    docx = client_as("demo-national").get(
        reverse("reporting:province_version_download", args=[draft.versions.get().pk]) + "?format=docx"
    )
    assert docx.status_code == 200


def test_a_copys_read_receipt_time_is_shown_and_named_through_core_formatting(
    client_as: ClientGetter, user: UserGetter
) -> None:
    from shidian.core import formatting
    from shidian.regions.models import Province

    province_user = user("demo-province")
    reporting_round = year_end(2017)
    report = submitted_report(user("demo-pilot"), reporting_round)
    services.accept_pilot_report(report=report, by=province_user)
    draft = services.open_province_report(
        province=Province.objects.get(name="广西壮族自治区"), reporting_round=reporting_round, by=province_user
    )
    draft = services.save_province_draft(
        report=draft, revision=draft.revision, fields={"overview": "总体"}, pilot_texts={}, by=province_user
    )
    draft = services.submit_province_report(report=draft, by=province_user)
    ministry_user = user("demo-ministry")
    copy = draft.versions.get().copies.get(ministry_id=ministry_user.organisation_id)
    receipt = services.read_copy(copy=copy, by=ministry_user)
    read_at = dt.datetime(2018, 1, 9, 23, 30, tzinfo=dt.UTC)  # 2018-01-10 07:30 in Asia/Shanghai
    ReadReceipt.objects.filter(pk=receipt.pk).update(read_at=read_at)
    receipt.refresh_from_db()
    shown = formatting.datetime(read_at)
    assert shown == "2018年1月10日 07:30"
    sender = client_as("demo-province").get(reverse("reporting:province_report", args=[draft.pk])).content.decode()
    assert f"（demo-ministry）{shown}" in sender and "23:30" not in sender
    assert str(receipt).endswith(f" {shown}")  # the admin's and the audit trail's name of the receipt too


def _add_reports(count: int, start: int) -> None:
    from shidian.accounts import services as account_services
    from shidian.pilots.models import Batch, PilotArea
    from shidian.regions.models import Province

    guangxi = Province.objects.get(name="广西壮族自治区")
    for index in range(start, start + count):
        pilot = PilotArea.objects.create(
            batch=Batch.objects.get(number=3),
            province=guangxi,
            name=f"页面镇{index}",
            kind="建制镇",
            verification="official",
        )
        pilot.status_changes.create(from_status="", to_status="active", effective_on=dt.date(2016, 1, 1))
        office = account_services.ensure_pilot_organisations(pilot=pilot)
        writer = account_services.create_user(
            username=f"page-writer-{index}",
            password="Shidian#Page2026x",
            role="pilot_officer",
            organisation=office,
            full_name="x",
            by=system("tests"),
            password_is_temporary=False,
        )
        submitted_report(writer, year_end(2017), pilot=pilot)


def _add_province_reports(count: int, start: int) -> None:
    """Submitted province reports (copied to every ministry) of provinces other than 广西."""
    from shidian.accounts import services as account_services
    from shidian.accounts.models import Organisation, OrganisationKind
    from shidian.regions.models import Province

    provinces = list(
        Province.objects.exclude(name="广西壮族自治区").filter(pilots__isnull=False).distinct().order_by("code")
    )
    for province in provinces[start : start + count]:
        reviewer = account_services.create_user(
            username=f"page-province-{province.code}",
            password="Shidian#Page2026x",
            role="provincial_officer",
            organisation=Organisation.objects.get(kind=OrganisationKind.PROVINCIAL_COMMISSION, province=province),
            full_name="x",
            by=system("tests"),
            password_is_temporary=False,
        )
        draft = services.open_province_report(province=province, reporting_round=year_end(2017), by=reviewer)
        draft = services.save_province_draft(
            report=draft, revision=draft.revision, fields={"overview": "总体"}, pilot_texts={}, by=reviewer
        )
        services.submit_province_report(report=draft, by=reviewer)


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("demo-province", "reporting:home"),
        ("demo-national", "reporting:home"),
        ("demo-pilot", "reporting:home"),
        ("demo-ministry", "reporting:home"),
        ("demo-national", "reporting:matrix"),
        ("demo-province", "reporting:matrix"),
    ],
)
def test_list_pages_have_constant_query_counts(client_as: ClientGetter, username: str, url: str) -> None:
    client = client_as(username)
    counts = []
    for step in range(2):
        _add_reports(2 + 5 * step, 10 * step)
        _add_province_reports(1 + 3 * step, 4 * step)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_matrix_exports_xlsx(client_as: ClientGetter) -> None:
    year_end(2017)
    response = client_as("demo-national").get(reverse("reporting:matrix") + "?format=xlsx")
    assert response.status_code == 200 and response.content.startswith(b"PK")


def test_national_admin_changes_due_dates_on_the_page(client_as: ClientGetter) -> None:
    reporting_round = year_end(2017)
    url = reverse("reporting:round_dues", args=[reporting_round.pk])
    data = {"pilot_due": "2017-12-28", "province_due": "2018-01-15"}
    assert client_as("demo-province").post(url, data).status_code == 404
    client_as("demo-national").post(url, data)
    reporting_round.refresh_from_db()
    assert reporting_round.pilot_due == dt.date(2017, 12, 28)


def test_ministry_inbox_counts_the_difficulties_tagged_with_it(client_as: ClientGetter, user: UserGetter) -> None:
    from shidian.reporting.tests.test_province import accepted_liuzhou

    province = user("demo-province")
    draft = accepted_liuzhou(user)
    draft = services.save_province_draft(
        report=draft, revision=draft.revision, fields={"overview": "总体"}, pilot_texts={}, by=province
    )
    services.submit_province_report(report=draft, by=province)
    body = client_as("demo-ministry").get(reverse("reporting:home")).content.decode()
    assert "1 项" in body and "未读" in body
