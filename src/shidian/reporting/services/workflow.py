"""The report workflow shared by pilot and province reports: edit conflicts, submit, decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.core import audit, clock, transitions
from shidian.core.errors import Conflict, DomainError, NotFound
from shidian.core.transitions import Flow
from shidian.reporting.models import CommentKind, PilotReport, ProvinceReport, ReportStatus, ReviewComment


class EditConflict(Conflict):
    """Somebody else saved the draft after this editor loaded it."""


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def _check_revision(locked: PilotReport | ProvinceReport, revision: int) -> None:
    if locked.revision != revision:
        who = locked.updated_by.get_full_name() or locked.updated_by.get_username() if locked.updated_by else ""
        raise EditConflict(
            _(
                "这份报告已被%(who)s在%(when)s保存过（修订号 %(current)d，您编辑的是 %(yours)d）。"
                "为避免覆盖他人的修改，您的内容没有保存：请复制您的修改，刷新页面后再合并。"
            )
            % {
                "who": who or _("他人"),
                "when": timezone.localtime(locked.updated_at).strftime("%Y-%m-%d %H:%M:%S"),
                "current": locked.revision,
                "yours": revision,
            }
        )


@dataclass(frozen=True)
class ReportWorkflow[R: (PilotReport, ProvinceReport)]:
    """How one kind of report is submitted and reviewed; pilot and province reports are two configurations.

    Both kinds move draft → submitted → returned/decided through the one transition helper; on submission
    the content is frozen as a new numbered version, and a decision is kept as a comment on that version.
    """

    flow: Flow[R]
    rows: Callable[[], QuerySet[R]]
    may_submit: Callable[[Any, R], bool]
    may_review: Callable[[Any, R], bool]
    # Create the version of ``locked`` submitted by ``by`` at ``moment`` as ``number``; return its audit detail.
    freeze: Callable[[R, Any, dt.datetime, int], dict[str, Any]]
    empty_sections: Callable[[R], list[str]]
    comment_on: str
    decided_comment: str
    # The action of a submission after a return, where it differs from "<prefix>.submitted".
    resubmitted_action: audit.AuditAction | None = None


# Both kinds of report name these statuses alike (ReportStatus and ProvinceStatus; a test pins it).
SUBMITTED, RETURNED = ReportStatus.SUBMITTED.value, ReportStatus.RETURNED.value


def _submit[R: (PilotReport, ProvinceReport)](
    workflow: ReportWorkflow[R], report: R, *, by: Any, now: dt.datetime | None
) -> R:
    def guard(locked: R) -> None:
        if not workflow.may_submit(by, locked):
            raise NotFound

    def apply(locked: R) -> transitions.Effects:
        empty = workflow.empty_sections(locked)
        if empty:
            raise DomainError(_("以下部分不能为空：%(sections)s。") % {"sections": "、".join(empty)})
        detail = workflow.freeze(locked, by, now or clock.now(), locked.versions.count() + 1)
        resubmitted = locked.status == RETURNED
        return transitions.Effects(detail=detail, action=workflow.resubmitted_action if resubmitted else None)

    return transitions.move(
        report, SUBMITTED, flow=workflow.flow, by=by, guard=guard, apply=apply, queryset=workflow.rows()
    )


def _decide[R: (PilotReport, ProvinceReport)](
    workflow: ReportWorkflow[R], report: R, to: str, *, by: Any, comment: str
) -> R:
    """Return (comment required) or accept/acknowledge the latest submitted version."""

    def guard(locked: R) -> None:
        if not workflow.may_review(by, locked):
            raise NotFound

    def apply(locked: R) -> transitions.Effects:
        version = locked.versions.order_by("-number").first()
        if version is None:  # a submitted report always has a version
            raise workflow.flow.refuse(locked.status, to)
        kind = CommentKind.RETURN if to == RETURNED else workflow.decided_comment
        if comment:
            ReviewComment.objects.create(**{workflow.comment_on: version}, kind=kind, body=comment, author=by)
        detail: dict[str, Any] = {"version": version.number}
        if to == RETURNED:
            detail["comment"] = comment
        return transitions.Effects(detail=detail)

    return transitions.move(report, to, flow=workflow.flow, by=by, guard=guard, apply=apply, queryset=workflow.rows())
