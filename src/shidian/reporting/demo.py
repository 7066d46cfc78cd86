"""Deterministic demo reports: every pilot and province, from 2016 year-end up to the business date.

The rounds are those open by the business date (2019-07-08 by default: the 2019 mid-year round is open
and due on 10 July). Patterns by position (no randomness): in closed rounds most reports are on time and
accepted, some late, some missing, some returned and not resubmitted; province reports mostly
acknowledged, with late, missing and returned ones, and the last closed round partly awaiting the
commission; the copies to 住房城乡建设部 partly read. In the open round some pilots have submitted (awaiting
review or accepted), some are writing drafts, most have not started; 柳州市's report was returned with a
comment and waits for its revision. Nothing is dated after the business date.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import audit, clock, db
from shidian.core.documents import numbers as document_numbers
from shidian.pilots.demo import DEMO_PILOT
from shidian.pilots.models import PilotArea
from shidian.regions.models import Province
from shidian.reporting import aggregates, services
from shidian.reporting import facts as report_facts
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
)
from shidian.reporting.selectors import reporting_on
from shidian.reporting.selectors.completeness import _status_history
from shidian.reporting.services.province_reports import _province_tags

LIUZHOU_RETURN = "请补充上半年指标完成情况和产城融合的典型案例（演示）。"

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


def _rounds(today: dt.date) -> list[ReportingRound]:
    """Every round open by the business date, each dated on its opening day."""
    rounds = services.open_due_rounds(today=today)
    for reporting_round in rounds:
        opened = services.round_opens_on(reporting_round.year, reporting_round.kind)
        if timezone.localdate(reporting_round.opened_at) > today:
            ReportingRound.objects.filter(pk=reporting_round.pk).update(opened_at=_moment(opened, 9))
    return rounds


def _dated_comment(version: PilotReportVersion | ProvinceReportVersion, body: str, author: User, day: dt.date) -> None:
    field = "pilot_report_version" if isinstance(version, PilotReportVersion) else "province_report_version"
    comment = ReviewComment.objects.create(**{field: version}, kind=CommentKind.RETURN, body=body, author=author)
    ReviewComment.objects.filter(pk=comment.pk).update(created_at=_moment(day, 15))


def _pilot_reports(rounds: list[ReportingRound], reviewers: dict[int, User], today: dt.date) -> dict[str, int]:
    from shidian.accounts import services as account_services

    counts = {"reports": 0, "missing": 0, "late": 0, "returned": 0, "awaiting": 0, "drafts": 0}
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
            is_open = reporting_round.pilot_due >= today
            if (pilot.province.name, pilot.name) == DEMO_PILOT and is_open:
                continue  # 柳州市's open report goes through the services (_liuzhou_open_report)
            if is_open and pattern >= 6:
                if pattern < 10:  # writing, not yet submitted
                    PilotReport.objects.create(
                        pilot=pilot,
                        round=reporting_round,
                        status=ReportStatus.DRAFT,
                        updated_by=writer,
                        is_demo=True,
                        progress=_text("progress", pilot, reporting_round, index + position),
                    )
                    counts["drafts"] += 1
                continue  # not started: the round is still open
            if pattern == 0 and not is_open:
                counts["missing"] += 1
                continue
            late = pattern in (1, 2) and not is_open
            if is_open:
                submitted_on = today - dt.timedelta(days=2 * pattern + 1)
            else:
                submitted_on = reporting_round.pilot_due + dt.timedelta(days=pattern * 2 if late else -(pattern % 6))
            submitted_on = min(submitted_on, today)
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
            if is_open and pattern < 4:
                counts["awaiting"] += 1  # in the province's queue
                continue
            if pattern == 3:
                returned_on = min(submitted_on + dt.timedelta(days=5), today)
                _dated_comment(version, "请补充年度指标完成情况和典型案例。", reviewer, returned_on)
                report.status = ReportStatus.RETURNED
                counts["returned"] += 1
            else:
                report.status = ReportStatus.ACCEPTED
            report.save(update_fields=["status"])
    return counts


def _province_reports(
    rounds: list[ReportingRound], reviewers: dict[int, User], national: User | None, today: dt.date
) -> dict[str, int]:
    counts = {"province_reports": 0, "province_missing": 0, "province_returned": 0, "copies": 0, "unacknowledged": 0}
    closed = [r for r in rounds if r.province_due < today]
    ministries = list(Organisation.objects.filter(kind=OrganisationKind.MINISTRY).order_by("pk"))
    reader = User.objects.filter(username="demo-ministry").first()
    provinces = Province.objects.filter(pk__in=PilotArea.objects.values("province")).order_by("code")
    for index, province in enumerate(provinces):
        reviewer = reviewers.get(province.pk)
        if reviewer is None:
            continue
        for position, reporting_round in enumerate(closed):
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
            submitted_on = min(due + dt.timedelta(days=3) if late else due - dt.timedelta(days=1), today)
            version = ProvinceReportVersion.objects.create(
                report=report,
                number=1,
                submitted_at=_moment(submitted_on),
                submitted_by=reviewer,
                is_late=late,
                tags=_province_tags(report),
                facts={"period": reporting_round.period_code, "indicators": None},
                overview=report.overview,
                pilot_sections=report.pilot_sections,
                statistics=report.statistics,
                difficulties=report.difficulties,
                suggestions=report.suggestions,
            )
            document_numbers.issue_document_number(  # 发文字号, as submit_province_report issues it
                organisation=reviewer.organisation, year=submitted_on.year, subject=document_numbers.subject_of(version)
            )
            copies = ReportCopy.objects.bulk_create([ReportCopy(version=version, ministry=m) for m in ministries])
            for copy in copies:
                copy.created_at = version.submitted_at
            ReportCopy.objects.bulk_update(copies, ["created_at"])
            counts["copies"] += len(copies)
            counts["province_reports"] += 1
            last = position == len(closed) - 1
            if reader is not None and position % 3 != 2 and not (last and index % 2):
                for copy in copies:
                    if copy.ministry_id == reader.organisation_id:
                        receipt = ReadReceipt.objects.create(copy=copy, reader=reader)
                        read_on = min(submitted_on + dt.timedelta(days=4), today)
                        ReadReceipt.objects.filter(pk=receipt.pk).update(read_at=_moment(read_on, 16))
            if national is None or (last and index % 5 == 1):
                counts["unacknowledged"] += 1
                continue  # part of the last closed round waits for the commission
            if pattern == 2:
                _dated_comment(
                    version, "请补充全省统计分析。", national, min(submitted_on + dt.timedelta(days=7), today)
                )
                report.status = ProvinceStatus.RETURNED
                counts["province_returned"] += 1
            else:
                report.status = ProvinceStatus.ACKNOWLEDGED
            report.save(update_fields=["status"])
    return counts


def _liuzhou_open_report(reporting_round: ReportingRound, today: dt.date) -> None:
    """柳州市's report of the open round, through the services: submitted, returned with a comment, to revise."""
    pilot = PilotArea.objects.get(province__name=DEMO_PILOT[0], name=DEMO_PILOT[1])
    officer = User.objects.filter(username="demo-pilot").first()
    province = User.objects.filter(username="demo-province").first()
    if officer is None or province is None or reporting_round.pilot_due < today:
        return
    submitted_on = max(
        today - dt.timedelta(days=7), services.round_opens_on(reporting_round.year, reporting_round.kind)
    )
    returned_on = min(submitted_on + dt.timedelta(days=2), today)
    with clock.travel_to(submitted_on):
        report = services.open_pilot_report(pilot=pilot, reporting_round=reporting_round, by=officer)
        report = services.save_pilot_draft(
            report=report,
            revision=report.revision,
            sections={f: _text(f, pilot, reporting_round, 0) for f in SECTION_FIELDS},
            by=officer,
        )
        report = services.submit_pilot_report(report=report, by=officer, now=_moment(submitted_on, 11))
    with clock.travel_to(returned_on):
        services.return_pilot_report(report=report, comment=LIUZHOU_RETURN, by=province)
    ReviewComment.objects.filter(pilot_report_version__report=report).update(created_at=_moment(returned_on, 15))


@transaction.atomic
def load_demo_reports(*, today: dt.date | None = None) -> dict[str, int]:
    """Create the demo reporting history up to the business date once (a second run changes nothing)."""
    today = today or clock.today()
    rounds = _rounds(today)
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
        **_pilot_reports(rounds, reviewers, today),
        **_province_reports(rounds, reviewers, national, today),
    }
    open_rounds = [r for r in rounds if r.pilot_due >= today]
    if open_rounds:
        _liuzhou_open_report(open_rounds[-1], today)
    aggregates.rebuild()  # the reports went in without the services that keep the counts
    audit.record(action=audit.AuditAction.REPORTING_DEMO_LOADED, username="load_demo", detail=counts)
    db.analyze("reporting")
    return counts
