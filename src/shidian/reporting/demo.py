"""Deterministic demo reports: every pilot and province, 2016 year-end to 2020 year-end.

Patterns by position (no randomness): most reports on time and accepted; some late, some missing,
some returned and not yet resubmitted, some awaiting review; province reports mostly acknowledged,
with late, missing and returned ones; the copies to 住房城乡建设部 partly read.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import audit
from shidian.pilots.models import PilotArea
from shidian.regions.models import Province
from shidian.reporting import facts as report_facts
from shidian.reporting import services
from shidian.reporting.models import (
    SECTION_FIELDS,
    CommentKind,
    PilotReport,
    PilotReportVersion,
    ProvinceReport,
    ProvinceReportVersion,
    ProvinceStatus,
    ReadReceipt,
    ReportCopy,
    ReportingRound,
    ReportStatus,
    ReviewComment,
    RoundKind,
)
from shidian.reporting.selectors import _status_history, reporting_on

FIRST_YEAR, LAST_YEAR = 2016, 2020

PHRASES = {
    "progress": "{year}年，{name}按照试点工作方案，{verb}推进农业转移人口市民化、投融资机制、行政管理创新等试点任务，"
    "年度任务完成进度总体符合预期。",
    "practices": "一是健全领导小组统筹协调机制，明确责任分工和时间节点；二是推行居住证制度，"
    "扩大基本公共服务覆盖面；三是{verb}建立多元化可持续的城镇化投融资机制。",
    "results": "形成了“人地钱挂钩”配套政策等可复制推广的经验，{year}年常住人口城镇化率稳步提高。",
    "difficulties": "一是城镇建设用地指标紧张；二是地方政府债务约束下融资渠道有限；三是部分改革事项需要上级部门授权。",
    "suggestions": "建议在用地指标、专项债券额度和改革授权方面给予支持，加强对试点的跟踪指导。",
}
VERBS = ["稳步", "扎实", "积极", "有序"]


def _text(field: str, pilot: PilotArea, reporting_round: ReportingRound, index: int) -> str:
    return PHRASES[field].format(year=reporting_round.year, name=pilot.name, verb=VERBS[index % len(VERBS)])


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def _writer(username: str, organisation: Organisation, role: str, full_name: str) -> User:
    """An inactive demo account standing for the person who submitted (cannot log in)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username,
            password=make_password(None),
            role=role,
            organisation=organisation,
            full_name=full_name,
            is_active=False,
            is_demo=True,
        )
    return user


def _rounds() -> list[ReportingRound]:
    rounds = [services.open_round(year=FIRST_YEAR, kind=RoundKind.YEAR_END)]
    for year in range(FIRST_YEAR + 1, LAST_YEAR + 1):
        rounds.append(services.open_round(year=year, kind=RoundKind.MID_YEAR))
        rounds.append(services.open_round(year=year, kind=RoundKind.YEAR_END))
    return rounds


def _pilot_reports(rounds: list[ReportingRound], reviewers: dict[int, User]) -> dict[str, int]:
    from shidian.accounts import services as account_services

    counts = {"reports": 0, "missing": 0, "late": 0, "returned": 0, "awaiting": 0}
    pilots = list(PilotArea.objects.select_related("province").order_by("province__code", "batch__number", "name"))
    history = _status_history(PilotArea.objects.all())
    housing = Organisation.objects.filter(kind=OrganisationKind.MINISTRY, name="住房城乡建设部").first()
    finance = Organisation.objects.filter(kind=OrganisationKind.MINISTRY, name="财政部").first()
    for index, pilot in enumerate(pilots):
        office = account_services.ensure_pilot_organisations(pilot=pilot)
        writer = _writer(f"demo-writer-{pilot.pk}", office, "pilot_officer", f"{pilot.name}试点办（演示）")
        for position, reporting_round in enumerate(rounds):
            if not reporting_on(history.get(pilot.pk, []), reporting_round.pilot_due):
                continue
            pattern = (index * 7 + position * 3) % 20
            last = position == len(rounds) - 1
            if pattern == 0:
                counts["missing"] += 1
                continue
            late = pattern in (1, 2)
            submitted_on = reporting_round.pilot_due + dt.timedelta(days=pattern * 2 if late else -(pattern % 6))
            report = PilotReport.objects.create(
                pilot=pilot,
                round=reporting_round,
                status=ReportStatus.SUBMITTED,
                revision=1,
                updated_by=writer,
                is_demo=True,
                **{f: _text(f, pilot, reporting_round, index + position) for f in SECTION_FIELDS},
            )
            tags = []
            if housing and finance and pattern % 4 == 1:
                tags = [
                    {
                        "kind": "difficulty",
                        "text": "城镇建设用地指标紧张",
                        "ministries": [{"id": housing.pk, "name": housing.name}],
                    },
                    {
                        "kind": "suggestion",
                        "text": "扩大专项债券额度",
                        "ministries": [{"id": finance.pk, "name": finance.name}],
                    },
                ]
            version = PilotReportVersion.objects.create(
                report=report,
                number=1,
                submitted_at=_moment(submitted_on),
                submitted_by=writer,
                is_late=late,
                tags=tags,
                facts=report_facts.pilot_facts(pilot=pilot, round=reporting_round),
                **{f: getattr(report, f) for f in SECTION_FIELDS},
            )
            counts["reports"] += 1
            counts["late"] += int(late)
            reviewer = reviewers.get(pilot.province_id)
            if reviewer is None:
                continue
            if pattern == 3:
                ReviewComment.objects.create(
                    pilot_report_version=version,
                    kind=CommentKind.RETURN,
                    body="请补充年度指标完成情况和典型案例。",
                    author=reviewer,
                )
                report.status = ReportStatus.RETURNED
                counts["returned"] += 1
            elif pattern == 4 and last:
                counts["awaiting"] += 1
                continue
            else:
                report.status = ReportStatus.ACCEPTED
            report.save(update_fields=["status"])
    return counts


def _province_reports(
    rounds: list[ReportingRound], reviewers: dict[int, User], national: User | None
) -> dict[str, int]:
    counts = {"province_reports": 0, "province_missing": 0, "province_returned": 0, "copies": 0}
    ministries = list(Organisation.objects.filter(kind=OrganisationKind.MINISTRY).order_by("pk"))
    reader = User.objects.filter(username="demo-ministry").first()
    provinces = Province.objects.filter(pk__in=PilotArea.objects.values("province")).order_by("code")
    for index, province in enumerate(provinces):
        reviewer = reviewers.get(province.pk)
        if reviewer is None:
            continue
        for position, reporting_round in enumerate(rounds):
            pattern = (index * 5 + position * 2) % 17
            if pattern == 0:
                counts["province_missing"] += 1
                continue
            content = services.assemble_province_content(province=province, reporting_round=reporting_round)
            late = pattern == 1
            overview = (
                f"{reporting_round.year}年，{province.name}督促指导各试点地区落实试点任务，"
                f"共收到试点报告 {content['statistics'].get('reports_submitted', 0)} 份。"
            )
            report = ProvinceReport.objects.create(
                province=province,
                round=reporting_round,
                status=ProvinceStatus.SUBMITTED,
                revision=1,
                updated_by=reviewer,
                is_demo=True,
                overview=overview,
                difficulties="用地、资金和改革授权是各试点反映最集中的问题。",
                suggestions="建议国家有关部门在用地指标和专项债券方面加大支持。",
                **content,
            )
            due = reporting_round.province_due
            version = ProvinceReportVersion.objects.create(
                report=report,
                number=1,
                submitted_at=_moment(due + dt.timedelta(days=3) if late else due - dt.timedelta(days=1)),
                submitted_by=reviewer,
                is_late=late,
                tags=services._province_tags(report),
                facts={"period": reporting_round.period_code, "indicators": None},
                overview=report.overview,
                pilot_sections=report.pilot_sections,
                statistics=report.statistics,
                difficulties=report.difficulties,
                suggestions=report.suggestions,
            )
            copies = ReportCopy.objects.bulk_create([ReportCopy(version=version, ministry=m) for m in ministries])
            counts["copies"] += len(copies)
            counts["province_reports"] += 1
            if reader is not None and position % 3 != 2:
                for copy in copies:
                    if copy.ministry_id == reader.organisation_id:
                        ReadReceipt.objects.create(copy=copy, reader=reader)
            if national is None or position == len(rounds) - 1:
                continue  # the last round waits for the commission
            if pattern == 2:
                ReviewComment.objects.create(
                    province_report_version=version,
                    kind=CommentKind.RETURN,
                    body="请补充全省统计分析。",
                    author=national,
                )
                report.status = ProvinceStatus.RETURNED
                counts["province_returned"] += 1
            else:
                report.status = ProvinceStatus.ACKNOWLEDGED
            report.save(update_fields=["status"])
    return counts


@transaction.atomic
def load_demo_reports() -> dict[str, int]:
    """Create the demo reporting history once (a second run changes nothing)."""
    rounds = _rounds()
    if PilotReport.objects.filter(is_demo=True).exists():
        return {"rounds": len(rounds)}
    reviewers: dict[int, User] = {}
    for organisation in Organisation.objects.filter(kind=OrganisationKind.PROVINCIAL_COMMISSION):
        assert organisation.province_id is not None  # noqa: S101 - a database constraint guarantees it
        reviewers[organisation.province_id] = _writer(
            f"demo-reviewer-{organisation.province_id}",
            organisation,
            "provincial_officer",
            f"{organisation.name}工作人员（演示）",
        )
    demo_province = User.objects.filter(username="demo-province").first()
    if demo_province is not None and demo_province.organisation and demo_province.organisation.province_id:
        reviewers[demo_province.organisation.province_id] = demo_province
    national = User.objects.filter(username="demo-national").first()
    counts = {
        "rounds": len(rounds),
        **_pilot_reports(rounds, reviewers),
        **_province_reports(rounds, reviewers, national),
    }
    audit.record(action=audit.AuditAction.REPORTING_DEMO_LOADED, username="load_demo", detail=counts)
    return counts
