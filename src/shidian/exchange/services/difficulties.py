"""Writes of difficulties (问题反映): raise, accept, answer, co-opinion, close, reopen, escalate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock
from shidian.core.actors import SystemActor
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, NotFound
from shidian.core.transitions import Effects, move
from shidian.exchange import permissions
from shidian.exchange.models import (
    DIFFICULTY_FLOW,
    ESCALATION_FLOW,
    Category,
    Difficulty,
    DifficultyStatus,
    Escalation,
    Reply,
    ReplyKind,
    RoutingRule,
)
from shidian.exchange.selectors import overdue_unescalated
from shidian.exchange.services.files import Upload, _checked, _store_files, _user
from shidian.exchange.services.routing import ensure_routing
from shidian.pilots.models import PilotArea, PilotStatus
from shidian.plans.scheduling import add_working_days

if TYPE_CHECKING:
    from shidian.reporting.models import PilotReport

# The reply deadline: 15 working days on the programme's working-day calendar (holidays and 调休 counted).
REPLY_WORKING_DAYS = 15
IN_PROGRAMME = (PilotStatus.ACTIVE, PilotStatus.WARNED)
RATINGS = range(1, 6)


def _check_new(
    *, pilot: PilotArea, category: str, title: str, description: str, source_report: PilotReport | None
) -> None:
    if pilot.status not in IN_PROGRAMME:
        raise DomainError(_("%(pilot)s已不在试点中，不能提出问题反映。") % {"pilot": pilot.name})
    if category not in Category.values:
        raise DomainError(_("请选择问题类别。"))
    if not title.strip():
        raise DomainError(_("请填写标题。"))
    if not description.strip():
        raise DomainError(_("请填写问题描述。"))
    if source_report is not None and source_report.pilot_id != pilot.pk:
        raise DomainError(_("来源报告不是%(pilot)s的报告。") % {"pilot": pilot.name})


def _rule_for(category: str) -> RoutingRule:
    """The category's routing rule; the default table is filled in first when it has none yet."""
    rule = RoutingRule.objects.select_related("lead").filter(category=category).first()
    if rule is None:
        ensure_routing()
        rule = RoutingRule.objects.select_related("lead").filter(category=category).first()
    if rule is None:
        raise DomainError(_("“%(category)s”类问题尚无分办规则，请联系国家发展改革委。") % {"category": category})
    return rule


def raise_difficulty(
    *,
    pilot: PilotArea,
    category: str,
    title: str,
    description: str,
    by: User | SystemActor,
    files: Sequence[Upload] = (),
    source_report: PilotReport | None = None,
    is_demo: bool = False,
) -> Difficulty:
    """Raise a difficulty for ``pilot``, route it by its category and give it its reply deadline."""
    if not permissions.can_raise_for(by, pilot):
        _denied(by, pilot, reason="not_raiser")
        raise NotFound
    with transaction.atomic():
        _check_new(pilot=pilot, category=category, title=title, description=description, source_report=source_report)
        checked = _checked(files)
        rule = _rule_for(category)
        today = clock.today()
        difficulty = Difficulty.objects.create(
            pilot=pilot,
            province_id=pilot.province_id,
            category=category,
            title=title.strip(),
            description=description.strip(),
            lead=rule.lead,
            raised_by=_user(by) or _demo_raiser(pilot),
            raised_on=today,
            due_on=add_working_days(today, REPLY_WORKING_DAYS),
            source_report=source_report,
            is_demo=is_demo,
        )
        co = list(rule.co_handlers.all())
        difficulty.co_handlers.set(co)
        audit.record(
            action=AuditAction.DIFFICULTY_RAISED,
            actor=by,
            obj=difficulty,
            detail={
                "category": category,
                "lead": rule.lead.name,
                "co_handlers": [o.name for o in co],
                "due_on": difficulty.due_on,
                "source_report": source_report.pk if source_report is not None else None,
            },
        )
        _store_files(difficulty, checked, by)
        return difficulty


def _demo_raiser(pilot: PilotArea) -> User:
    """The platform raises only demo items: in the name of the pilot's office account."""
    raiser = User.objects.filter(organisation__pilot=pilot, role="pilot_officer").order_by("pk").first()
    if raiser is None:
        raise DomainError(_("%(pilot)s没有试点工作人员账号。") % {"pilot": pilot.name})
    return raiser


def _reply(difficulty: Difficulty, kind: str, body: str, by: User | SystemActor) -> Reply:
    if isinstance(by, User):
        organisation = permissions.acting_organisation(by)
    else:  # the platform (the demo loader) answers in the lead department's name
        organisation = difficulty.lead if kind in {ReplyKind.ANSWER, ReplyKind.CO_OPINION} else None
    return Reply.objects.create(
        difficulty=difficulty,
        kind=kind,
        body=body,
        organisation=organisation,
        author=_user(by),
        written_on=clock.today(),
    )


def _denied(by: User | SystemActor, obj: Difficulty | PilotArea, *, reason: str) -> None:
    """Audit an attempt the user's department or role does not allow (core.access.denied).

    Called before the move's transaction opens: an event recorded inside it would be rolled back with the
    refused work. (Lead, co-handlers and raiser are fixed when the item is raised, so the check cannot go stale.)
    """
    audit.record_denied(actor=by, obj=obj, detail={"reason": reason})


def _require_lead(by: User | SystemActor, difficulty: Difficulty) -> None:
    if not permissions.is_lead(by, difficulty):
        _denied(by, difficulty, reason="not_lead")
        raise DomainError(_("该问题未分办给贵单位牵头办理，不能受理或答复。"))


def accept_difficulty(*, difficulty: Difficulty, by: User | SystemActor) -> Difficulty:
    """The lead department accepts the item for handling (受理)."""
    _require_lead(by, difficulty)

    def apply(locked: Difficulty) -> Effects:
        locked.accepted_on = clock.today()
        return Effects(fields=["accepted_on"], detail={"accepted_on": locked.accepted_on})

    return move(difficulty, DifficultyStatus.ACCEPTED, flow=DIFFICULTY_FLOW, by=by, apply=apply)


def answer_difficulty(
    *, difficulty: Difficulty, body: str, by: User | SystemActor, files: Sequence[Upload] = ()
) -> Difficulty:
    """The lead department answers an accepted (or reopened) item; files may go with the answer."""
    _require_lead(by, difficulty)
    checked = _checked(files)

    def apply(locked: Difficulty) -> Effects:
        if not body.strip():
            raise DomainError(_("请填写答复意见。"))
        today = clock.today()
        locked.answered_on = today
        if locked.first_answered_on is None:
            locked.first_answered_on = today
        reply = _reply(locked, ReplyKind.ANSWER, body.strip(), by)
        _store_files(locked, checked, by, reply=reply)
        return Effects(
            fields=["answered_on", "first_answered_on"],
            detail={"answered_on": today, "late": today > locked.due_on},
        )

    return move(difficulty, DifficultyStatus.ANSWERED, flow=DIFFICULTY_FLOW, by=by, apply=apply)


def add_co_opinion(*, difficulty: Difficulty, body: str, by: User | SystemActor) -> Reply:
    """A co-handling department gives its opinion to the lead department (no change of status)."""
    if not permissions.is_co_handler(by, difficulty):
        _denied(by, difficulty, reason="not_co_handler")
        raise DomainError(_("贵单位不是该问题的协办部门，不能填写协办意见。"))
    if difficulty.status not in {DifficultyStatus.SUBMITTED, DifficultyStatus.ACCEPTED, DifficultyStatus.REOPENED}:
        raise DomainError(_("该问题已答复或办结，不能再填写协办意见。"))
    if not body.strip():
        raise DomainError(_("请填写协办意见。"))
    with transaction.atomic():
        reply = _reply(difficulty, ReplyKind.CO_OPINION, body.strip(), by)
        audit.record(action=AuditAction.DIFFICULTY_CO_OPINION, actor=by, obj=difficulty, detail={"reply": reply.pk})
    return reply


def _require_raiser_side(by: User | SystemActor, difficulty: Difficulty) -> None:
    if not permissions.is_raiser_side(by, difficulty):
        _denied(by, difficulty, reason="not_raiser")
        raise DomainError(_("只有提出该问题的试点（或代为提出的省级发展改革部门）可以办结或要求重新办理。"))


def close_difficulty(*, difficulty: Difficulty, rating: int, by: User | SystemActor, comment: str = "") -> Difficulty:
    """The raiser closes an answered item with a satisfaction rating from 1 to 5."""
    _require_raiser_side(by, difficulty)

    def apply(locked: Difficulty) -> Effects:
        if rating not in RATINGS:
            raise DomainError(_("满意度须为 1 至 5 分。"))
        locked.rating = rating
        locked.closed_on = clock.today()
        _reply(locked, ReplyKind.CLOSE, comment.strip(), by)
        return Effects(fields=["rating", "closed_on"], changes={"rating": [None, rating]})

    return move(difficulty, DifficultyStatus.CLOSED, flow=DIFFICULTY_FLOW, by=by, apply=apply)


def reopen_difficulty(*, difficulty: Difficulty, reason: str, by: User | SystemActor) -> Difficulty:
    """The raiser is not satisfied with the answer: the item goes back to the lead with a new reply deadline."""
    _require_raiser_side(by, difficulty)

    def apply(locked: Difficulty) -> Effects:
        if not reason.strip():
            raise DomainError(_("请说明重新办理的理由。"))
        before = locked.due_on
        locked.due_on = add_working_days(clock.today(), REPLY_WORKING_DAYS)
        _reply(locked, ReplyKind.REOPEN, reason.strip(), by)
        return Effects(fields=["due_on"], changes={"due_on": [before, locked.due_on]})

    return move(difficulty, DifficultyStatus.REOPENED, flow=DIFFICULTY_FLOW, by=by, apply=apply)


def escalate_difficulty(*, difficulty: Difficulty, by: User | SystemActor) -> Difficulty:
    """Escalate an unanswered item past its reply deadline to the commission (dated, once)."""

    def apply(locked: Difficulty) -> Effects:
        today = clock.today()
        if locked.status not in {DifficultyStatus.SUBMITTED, DifficultyStatus.ACCEPTED, DifficultyStatus.REOPENED}:
            raise DomainError(_("该问题已答复或办结，无需督办。"))
        if locked.due_on >= today:
            raise DomainError(_("该问题尚未超过答复期限。"))
        locked.escalated_on = today
        return Effects(
            fields=["escalated_on"], detail={"due_on": locked.due_on, "escalated_on": today, "lead": locked.lead.name}
        )

    return move(
        difficulty,
        Escalation.ESCALATED,
        flow=ESCALATION_FLOW,
        by=by,
        apply=apply,
        queryset=Difficulty.objects.select_related("lead"),
    )


def escalate_overdue(*, by: User | SystemActor) -> list[Difficulty]:
    """Escalate every item past its reply deadline on the business date (the daily job); run twice, once."""
    if not permissions.is_platform(by):
        raise NotFound
    return [escalate_difficulty(difficulty=d, by=by) for d in overdue_unescalated(today=clock.today())]
