"""Submit, accept and return ask first: a confirm page says what will happen and to whom; nothing changes yet."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from shidian.accounts.models import User
from shidian.reporting import services
from shidian.reporting.models import ReportStatus
from shidian.reporting.tests.factories import TEXT, filled_report, submitted_report, year_end

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


def test_submit_from_the_report_page_asks_first_and_names_the_province(client_as: ClientAs) -> None:
    report = filled_report(User.objects.get(username="demo-pilot"), year_end(2017))
    client = client_as("demo-pilot")
    page = client.get(reverse("reporting:report", kwargs={"report_id": report.pk})).content.decode()
    assert reverse("reporting:report_submit_confirm", kwargs={"report_id": report.pk}) in page
    confirm = client.post(
        reverse("reporting:report_submit_confirm", kwargs={"report_id": report.pk}),
        {"revision": report.revision, **TEXT},
    )
    html = confirm.content.decode()
    assert 'data-testid="confirm-step"' in html and "广西壮族自治区发展改革委" in html and "第 1 版" in html
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.versions.count() == 0
    client.post(reverse("reporting:report_submit", kwargs={"report_id": report.pk}))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_return_asks_first_and_carries_the_comment(client_as: ClientAs) -> None:
    report = submitted_report(User.objects.get(username="demo-pilot"), year_end(2017))
    client = client_as("demo-province")
    url = reverse("reporting:report_review_confirm", kwargs={"report_id": report.pk})
    html = client.post(url, {"decision": "return", "comment": "请补充数据。"}).content.decode()
    assert 'data-testid="confirm-step"' in html and "柳州市" in html and 'value="请补充数据。"' in html
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    client.post(reverse("reporting:report_return", kwargs={"report_id": report.pk}), {"comment": "请补充数据。"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED


def test_a_return_without_comment_is_refused_before_the_confirm_step(client_as: ClientAs) -> None:
    report = submitted_report(User.objects.get(username="demo-pilot"), year_end(2017))
    url = reverse("reporting:report_review_confirm", kwargs={"report_id": report.pk})
    response = client_as("demo-province").post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 302


def test_the_pilot_cannot_open_the_review_confirm_step(client_as: ClientAs) -> None:
    report = submitted_report(User.objects.get(username="demo-pilot"), year_end(2017))
    url = reverse("reporting:report_review_confirm", kwargs={"report_id": report.pk})
    assert client_as("demo-pilot").post(url, {"decision": "accept"}).status_code == 404
    services.accept_pilot_report(report=report, by=User.objects.get(username="demo-province"))


def test_the_province_report_submission_asks_first(client_as: ClientAs) -> None:
    from shidian.regions.models import Province

    reviewer = User.objects.get(username="demo-province")
    report = services.open_province_report(
        province=Province.objects.get(name="广西壮族自治区"), reporting_round=year_end(2017), by=reviewer
    )
    client = client_as("demo-province")
    html = client.post(
        reverse("reporting:province_report_save", kwargs={"province_report_id": report.pk}),
        {"action": "submit", "revision": report.revision, "overview": "广西总体情况"},
    ).content.decode()
    assert 'data-testid="confirm-step"' in html and "抄送" in html
    report.refresh_from_db()
    assert report.status == "draft" and report.overview == "广西总体情况"  # saved, not submitted
    client.post(reverse("reporting:province_report_submit", kwargs={"province_report_id": report.pk}))
    report.refresh_from_db()
    assert report.status == "submitted"
    national = client_as("demo-national")
    url = reverse("reporting:province_report_review", kwargs={"province_report_id": report.pk})
    html = national.post(url, {"action": "acknowledge"}).content.decode()
    assert 'data-testid="confirm-step"' in html and "广西壮族自治区发展改革委" in html
    report.refresh_from_db()
    assert report.status == "submitted"
    national.post(url, {"action": "acknowledge", "confirmed": "1"})
    report.refresh_from_db()
    assert report.status == "acknowledged"
