"""One status vocabulary: a late report reads 逾期报送 on every page and its matrix cell is never green."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from shidian.accounts.models import User
from shidian.reporting import services
from shidian.reporting.tests.factories import submitted_report, year_end

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


def _cell(html: str, report_id: int) -> str:
    match = re.search(rf'<td class="([^"]*)"><a href="/reporting/reports/{report_id}/">([^<]*)</a>', html)
    assert match, "no matrix cell for the report"
    return f"{match.group(1)}|{match.group(2)}"


def test_a_late_report_reads_late_on_the_report_page_and_the_matrix(client_as: ClientAs) -> None:
    reporting_round = year_end(2017)
    report = submitted_report(
        User.objects.get(username="demo-pilot"), reporting_round, when=reporting_round.pilot_due + dt.timedelta(days=3)
    )
    client = client_as("demo-province")
    page = client.get(reverse("reporting:report", kwargs={"report_id": report.pk})).content.decode()
    assert re.search(r'data-testid="report-timeliness">.*逾期报送', page)
    classes, label = _cell(client.get(reverse("reporting:matrix")).content.decode(), report.pk).split("|")
    assert label == "逾期报送" and "c-was-late" in classes

    services.accept_pilot_report(report=report, by=User.objects.get(username="demo-province"))
    classes, label = _cell(client.get(reverse("reporting:matrix")).content.decode(), report.pk).split("|")
    assert label == "已接收（逾期）" and "c-was-late" in classes  # styled late, not green


def test_an_on_time_report_reads_on_time_everywhere(client_as: ClientAs) -> None:
    reporting_round = year_end(2017)
    report = submitted_report(User.objects.get(username="demo-pilot"), reporting_round)
    client = client_as("demo-province")
    page = client.get(reverse("reporting:report", kwargs={"report_id": report.pk})).content.decode()
    assert re.search(r'data-testid="report-timeliness">按时报送', page)
    classes, label = _cell(client.get(reverse("reporting:matrix")).content.decode(), report.pk).split("|")
    assert label == "按时报送" and "c-was-late" not in classes
