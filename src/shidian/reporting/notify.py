"""What the reporting system's events and deadlines mean to whom (registered with the centre in ``ready``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.core import formatting
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.notifications import recipients
from shidian.notifications.registry import Kind, Notice, on_event, periodically, settles
from shidian.reporting.models import (
    PilotReport,
    PilotReportVersion,
    ProvinceReport,
    ProvinceReportVersion,
    ReportCopy,
    ReportingRound,
)

if TYPE_CHECKING:
    from shidian.accounts.models import User

OVERDUE_FOR_DAYS = 60  # how long after the due date a missing report is still reminded of


def reminder_days() -> int:
    return int(getattr(settings, "REPORT_REMINDER_DAYS", 5))


def _due_kind(due: dt.date, today: dt.date) -> Kind | None:
    if due - dt.timedelta(days=reminder_days()) <= today <= due:
        return Kind.DUE
    if due < today <= due + dt.timedelta(days=OVERDUE_FOR_DAYS):
        return Kind.OVERDUE
    return None


@periodically
def rounds_due(today: dt.date) -> Iterator[Notice]:
    """Pilots and provinces that have not reported: N days before the due date, and once it has passed."""
    from shidian.pilots.models import PilotArea
    from shidian.reporting.selectors.completeness import _status_history, reporting_on

    pilots = PilotArea.objects.all()
    history = _status_history(pilots)
    pilot_provinces = dict(pilots.values_list("pk", "province_id"))
    names = dict(pilots.values_list("pk", "name"))
    for reporting_round in ReportingRound.objects.order_by("pilot_due", "id"):
        pilot_kind = _due_kind(reporting_round.pilot_due, today)
        province_kind = _due_kind(reporting_round.province_due, today)
        if pilot_kind is not None:
            expected = [p for p in pilot_provinces if reporting_on(history.get(p, []), reporting_round.pilot_due)]
            done = set(
                PilotReportVersion.objects.filter(report__round=reporting_round).values_list(
                    "report__pilot_id", flat=True
                )
            )
            missing = [p for p in expected if p not in done]
            offices = recipients.pilot_officers_by_pilot(missing)
            for pilot_id in missing:
                if pilot_id not in offices:
                    continue
                yield _round_notice(reporting_round, pilot_kind, reporting_round.pilot_due, offices[pilot_id],
                                    key=f"pilot:{pilot_id}", who=names[pilot_id])  # fmt: skip
        if province_kind is not None:
            expected_provinces = {
                pilot_provinces[p]
                for p in pilot_provinces
                if reporting_on(history.get(p, []), reporting_round.province_due)
            }
            done = set(
                ProvinceReportVersion.objects.filter(report__round=reporting_round).values_list(
                    "report__province_id", flat=True
                )
            )
            commissions = recipients.provincial_officers_by_province(expected_provinces - done)
            for province_id, people in sorted(commissions.items()):
                yield _round_notice(reporting_round, province_kind, reporting_round.province_due, people,
                                    key=f"province:{province_id}", who=str(people[0].organisation or ""))  # fmt: skip


def _round_notice(
    reporting_round: ReportingRound, kind: Kind, due: dt.date, people: list[User], *, key: str, who: str
) -> Notice:
    if kind == Kind.OVERDUE:
        title = _("报告已逾期未报送：%(round)s") % {"round": reporting_round}
    else:
        title = _("报告即将到期：%(round)s（%(due)s）") % {"round": reporting_round, "due": formatting.date(due)}
    return Notice(
        kind=kind,
        recipients=people,
        title=title,
        body=_("%(who)s：%(round)s的报送期限是 %(due)s。")
        % {"who": who, "round": reporting_round, "due": formatting.date(due)},
        url=reverse("reporting:home"),
        key=f"reporting.round:{reporting_round.pk}:{key}:{kind}",
    )


def _pilot_report(event: AuditEvent) -> PilotReport | None:
    return PilotReport.objects.select_related("pilot", "round").filter(pk=event.object_id).first()


def _province_report(event: AuditEvent) -> ProvinceReport | None:
    return ProvinceReport.objects.select_related("province", "round").filter(pk=event.object_id).first()


@on_event(AuditAction.REPORT_SUBMITTED)
@on_event(AuditAction.REPORT_RESUBMITTED)
def report_submitted(event: AuditEvent) -> Iterator[Notice]:
    """The province learns that a pilot's report waits for its review."""
    report = _pilot_report(event)
    if report is None:
        return
    yield Notice(
        kind=Kind.REVIEW,
        recipients=recipients.provincial_officers(report.pilot.province_id),
        title=_("待审核试点报告：%(pilot)s %(round)s") % {"pilot": report.pilot.name, "round": report.round},
        url=reverse("reporting:report", kwargs={"report_id": report.pk}),
    )


@on_event(AuditAction.REPORT_RETURNED)
def report_returned(event: AuditEvent) -> Iterator[Notice]:
    """The pilot's office learns that its report was returned, with the province's comment."""
    report = _pilot_report(event)
    if report is None:
        return
    yield Notice(
        kind=Kind.RETURNED,
        recipients=recipients.pilot_officers(report.pilot_id),
        title=_("试点报告被退回修改：%(round)s") % {"round": report.round},
        body=str(event.detail.get("comment", "")),
        url=reverse("reporting:report", kwargs={"report_id": report.pk}),
    )


@on_event(AuditAction.PROVINCE_REPORT_RETURNED)
def province_report_returned(event: AuditEvent) -> Iterator[Notice]:
    """The provincial commission learns that the commission returned its report."""
    report = _province_report(event)
    if report is None:
        return
    yield Notice(
        kind=Kind.RETURNED,
        recipients=recipients.provincial_officers(report.province_id),
        title=_("省级报告被退回修改：%(province)s %(round)s") % {"province": report.province, "round": report.round},
        body=str(event.detail.get("comment", "")),
        url=reverse("reporting:province_report", kwargs={"province_report_id": report.pk}),
    )


@on_event(AuditAction.PROVINCE_REPORT_SUBMITTED)
def province_report_submitted(event: AuditEvent) -> Iterator[Notice]:
    """The commission gets the province's report to review; each ministry copied gets its copy (抄送)."""
    report = _province_report(event)
    if report is None:
        return
    label = {"province": report.province, "round": report.round}
    yield Notice(
        kind=Kind.REVIEW,
        recipients=recipients.national_officers(),
        title=_("收到省级报告：%(province)s %(round)s") % label,
        url=reverse("reporting:province_report", kwargs={"province_report_id": report.pk}),
    )
    version = ProvinceReportVersion.objects.filter(report=report).order_by("-number").first()
    if version is None:
        return
    for copy in ReportCopy.objects.filter(version=version).select_related("ministry").order_by("id"):
        yield Notice(
            kind=Kind.NOTICE,
            recipients=recipients.ministry_reviewers([copy.ministry_id]),
            title=_("抄送：%(province)s %(round)s") % label,
            url=reverse("reporting:copy", kwargs={"copy_id": copy.pk}),
        )


# Once the province has accepted or returned a pilot report, its 待审核 item is done for every provincial
# officer (the province report's are not settled so: its submission also carries the ministries' copies).
for _handled in (AuditAction.REPORT_ACCEPTED, AuditAction.REPORT_RETURNED):
    settles(_handled, asked_by=[AuditAction.REPORT_SUBMITTED, AuditAction.REPORT_RESUBMITTED])
