"""What the plans' events and deadlines mean to whom (registered with the notification centre in ``ready``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.core import formatting
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.notifications import recipients
from shidian.notifications.registry import Kind, Notice, on_event, periodically, settles
from shidian.plans import selectors
from shidian.plans.models import PlanVersion


@periodically
def milestones_due(today: dt.date) -> Iterator[Notice]:
    """An open milestone coming due (within 30, 7, 1 days: SHIDIAN_PLAN_REMINDER_DAYS) and once it is overdue.

    Each threshold is crossed once (a day the task did not run is caught up the next day). To the lead
    department's users and the task's responsible person; an overdue one also to the pilot's office.
    """
    thresholds = sorted({int(d) for d in settings.PLAN_REMINDER_DAYS if int(d) >= 0})
    window = thresholds[-1] if thresholds else 0
    found = selectors.milestones_needing_reminders(today=today, days=list(range(window + 1)) if thresholds else [])
    versions = {m.task.version_id for m, _people in found}
    pilot_of = dict(PlanVersion.objects.filter(pk__in=versions).values_list("pk", "plan__pilot_id"))
    offices = recipients.pilot_officers_by_pilot(pilot_of.values())
    for milestone, people in found:
        due = milestone.planned_finish
        if due is None:
            continue
        url = reverse("plans:milestone", kwargs={"milestone_id": milestone.pk})
        body = _("任务“%(task)s”的节点“%(milestone)s”计划完成时间为 %(due)s。") % {
            "task": milestone.task.title,
            "milestone": milestone.name,
            "due": formatting.date(due),
        }
        if due < today:
            yield Notice(
                kind=Kind.OVERDUE,
                recipients=[*people, *offices.get(pilot_of.get(milestone.task.version_id, 0), [])],
                title=_("节点已逾期：%(milestone)s") % {"milestone": milestone.name},
                body=body,
                url=url,
                key=f"plans.milestone:{milestone.pk}:{due.isoformat()}:overdue",
            )
            continue
        left = (due - today).days
        crossed = next(t for t in thresholds if t >= left)
        yield Notice(
            kind=Kind.DUE,
            recipients=people,
            title=_("节点将于 %(days)d 天后到期：%(milestone)s") % {"days": left, "milestone": milestone.name}
            if left
            else _("节点今天到期：%(milestone)s") % {"milestone": milestone.name},
            body=body,
            url=url,
            key=f"plans.milestone:{milestone.pk}:{due.isoformat()}:within{crossed}",
        )


def _version(event: AuditEvent) -> PlanVersion | None:
    return PlanVersion.objects.select_related("plan__pilot").filter(pk=event.object_id).first()


@on_event(AuditAction.PLAN_VERSION_SUBMITTED)
def plan_submitted(event: AuditEvent) -> Iterator[Notice]:
    """The province learns that a pilot's work plan waits for its review."""
    version = _version(event)
    if version is None:
        return
    pilot = version.plan.pilot
    yield Notice(
        kind=Kind.REVIEW,
        recipients=recipients.provincial_officers(pilot.province_id),
        title=_("待审核工作方案：%(pilot)s（第 %(number)s 版）") % {"pilot": pilot.name, "number": version.number},
        url=reverse("plans:plan", kwargs={"pilot_id": pilot.pk}),
    )


@on_event(AuditAction.PLAN_VERSION_RETURNED)
def plan_returned(event: AuditEvent) -> Iterator[Notice]:
    """The pilot's office learns that its work plan was returned, with the province's comment."""
    version = _version(event)
    if version is None:
        return
    pilot = version.plan.pilot
    yield Notice(
        kind=Kind.RETURNED,
        recipients=recipients.pilot_officers(pilot.pk),
        title=_("工作方案被退回修改：%(pilot)s（第 %(number)s 版）") % {"pilot": pilot.name, "number": version.number},
        body=str(event.detail.get("comment", "")),
        url=reverse("plans:plan", kwargs={"pilot_id": pilot.pk}),
    )


@on_event(AuditAction.PLAN_VERSION_APPROVED)
def plan_approved(event: AuditEvent) -> Iterator[Notice]:
    version = _version(event)
    if version is None:
        return
    pilot = version.plan.pilot
    yield Notice(
        kind=Kind.DECISION,
        recipients=recipients.pilot_officers(pilot.pk),
        title=_("工作方案已批准：%(pilot)s（第 %(number)s 版）") % {"pilot": pilot.name, "number": version.number},
        body=str(event.detail.get("comment", "")),
        url=reverse("plans:plan", kwargs={"pilot_id": pilot.pk}),
    )


# Once the province has approved or returned a plan version, its 待审核 item is done for every provincial officer.
for _handled in (AuditAction.PLAN_VERSION_APPROVED, AuditAction.PLAN_VERSION_RETURNED):
    settles(_handled, asked_by=[AuditAction.PLAN_VERSION_SUBMITTED])
