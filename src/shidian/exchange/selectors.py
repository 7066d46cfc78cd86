"""Reads of difficulties, the routing table and notices, always for a user and through core.scoping."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import scoping
from shidian.core.errors import NotFound
from shidian.core.roles import Reach
from shidian.exchange import permissions
from shidian.exchange.models import (
    AWAITING_ANSWER,
    Category,
    Difficulty,
    DifficultyFile,
    DifficultyStatus,
    Escalation,
    Notice,
    NoticeFile,
    NoticeReceipt,
    Reply,
    RoutingRule,
)
from shidian.plans.scheduling import working_days_between


def visible_difficulties(*, user: User) -> QuerySet[Difficulty]:
    """The province its pilots' items, the nation all, a ministry the items routed to it (lead or co-handling)."""
    if not (permissions.can_view_difficulties(user) or permissions.is_platform(user)):
        return Difficulty.objects.none()
    rows = scoping.restrict(Difficulty.objects.all(), user)
    if not permissions.handles_all(user) and scoping.scope_for(user).is_national:
        organisation = permissions.acting_organisation(user)
        if organisation is None:
            return Difficulty.objects.none()
        routed = Difficulty.objects.filter(Q(lead=organisation) | Q(co_handlers=organisation)).values("pk")
        rows = rows.filter(pk__in=routed)
    return rows.select_related("pilot", "province", "lead")


def get_difficulty_for(*, user: User, difficulty_id: int) -> Difficulty:
    """One difficulty ``user`` may see; a missing and a hidden one both raise NotFound (the hidden one audited).

    Not ``scoping.get_for``, whose audit looks in the queryset it is given: this one is already narrowed to the
    items routed to a ministry, so the attempt is looked up in every difficulty (``scoping.audit_hidden``).
    """
    try:
        return visible_difficulties(user=user).select_related("raised_by__organisation").get(pk=difficulty_id)
    except (Difficulty.DoesNotExist, ValueError, TypeError) as exc:
        scoping.audit_hidden(Difficulty.objects.all(), user, {"pk": difficulty_id})
        raise NotFound from exc


def get_difficulty_file_for(*, user: User, difficulty: Difficulty, file_id: int) -> DifficultyFile:
    try:
        return DifficultyFile.objects.get(difficulty=difficulty, pk=file_id)
    except (DifficultyFile.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound from exc


def replies_of(difficulty: Difficulty) -> QuerySet[Reply]:
    return difficulty.replies.select_related("organisation", "author").order_by("id")


@dataclass(frozen=True)
class Step:
    """One dated step of a difficulty's handling as its page shows it: 提交, 受理, each reply, 督办."""

    kind: str  # "submitted", "accepted", "escalated", or the reply's kind
    label: str
    day: dt.date
    who: str
    body: str = ""
    files: tuple[DifficultyFile, ...] = ()


def timeline_of(difficulty: Difficulty) -> list[Step]:
    """The item's steps in date order, the submission first; the raiser's files go with the submission and each
    answer's files with that answer.

    ``difficulty`` comes from ``get_difficulty_for``: whoever sees the item sees every step and file of it.
    """
    files: dict[int | None, list[DifficultyFile]] = {}
    for stored in difficulty.files.only("pk", "file_name", "size", "uploaded_at", "reply_id").order_by("id"):
        files.setdefault(stored.reply_id, []).append(stored)
    raiser = difficulty.raised_by.organisation
    steps = [
        Step(
            kind="submitted",
            label=_("提交"),
            day=difficulty.raised_on,
            who=raiser.name_on(difficulty.raised_on) if raiser is not None else difficulty.pilot.name,
            files=tuple(files.get(None, ())),
        )
    ]
    later: list[Step] = []
    if difficulty.accepted_on is not None:
        later.append(
            Step(
                kind="accepted",
                label=_("受理"),
                day=difficulty.accepted_on,
                who=difficulty.lead.name_on(difficulty.accepted_on),
            )
        )
    for reply in replies_of(difficulty):
        if reply.organisation is not None:
            who = reply.organisation.name_on(reply.written_on)
        elif reply.author is not None:
            who = str(reply.author)
        else:
            who = difficulty.pilot.name
        later.append(
            Step(
                kind=reply.kind,
                label=reply.get_kind_display(),
                day=reply.written_on,
                who=who,
                body=reply.body,
                files=tuple(files.get(reply.pk, ())),
            )
        )
    if difficulty.escalated_on is not None:
        later.append(
            Step(kind="escalated", label=_("逾期提请督办"), day=difficulty.escalated_on, who=_("国家发展改革委"))
        )
    return steps + sorted(later, key=lambda step: step.day)  # stable: 受理 before a reply of the same day


def awaiting_answer_by(*, user: User) -> QuerySet[Difficulty]:
    """The items the user's department leads and still owes an answer to, oldest deadline first."""
    organisation = permissions.acting_organisation(user)
    if organisation is None:
        return Difficulty.objects.none()
    return (
        visible_difficulties(user=user).filter(lead=organisation, status__in=AWAITING_ANSWER).order_by("due_on", "id")
    )


def co_handled_by(*, user: User) -> QuerySet[Difficulty]:
    """Open items the user's department co-handles."""
    organisation = permissions.acting_organisation(user)
    if organisation is None:
        return Difficulty.objects.none()
    return (
        visible_difficulties(user=user)
        .filter(co_handlers=organisation, status__in=AWAITING_ANSWER)
        .order_by("due_on", "id")
    )


def answered_awaiting_closing(*, user: User) -> QuerySet[Difficulty]:
    """Answered items the user's side raised: to close with a rating, or to reopen."""
    rows = visible_difficulties(user=user).filter(status=DifficultyStatus.ANSWERED).order_by("answered_on", "id")
    reach = scoping.scope_for(user).reach
    if reach is Reach.PROVINCE:
        rows = rows.filter(raised_by__organisation__kind=OrganisationKind.PROVINCIAL_COMMISSION)
    elif reach is not Reach.PILOT:
        return Difficulty.objects.none()
    return rows


def escalated_open(*, user: User) -> QuerySet[Difficulty]:
    """Items escalated to the commission that still wait for an answer (the national officer follows them up)."""
    if not permissions.handles_all(user):
        return Difficulty.objects.none()
    return (
        visible_difficulties(user=user)
        .filter(escalation=Escalation.ESCALATED, status__in=AWAITING_ANSWER)
        .order_by("escalated_on", "id")
    )


def overdue_unescalated(*, today: dt.date) -> QuerySet[Difficulty]:
    """Items past their reply deadline, unanswered and not yet escalated (the escalation job's work)."""
    return Difficulty.objects.filter(status__in=AWAITING_ANSWER, escalation=Escalation.NONE, due_on__lt=today).order_by(
        "due_on", "id"
    )


def routing_table() -> list[RoutingRule]:
    """Every category's rule, in the order of the categories."""
    rules = {r.category: r for r in RoutingRule.objects.select_related("lead").prefetch_related("co_handlers")}
    return [rules[c] for c in Category.values if c in rules]


def get_rule(*, category: str) -> RoutingRule:
    try:
        return RoutingRule.objects.select_related("lead").get(category=category)
    except RoutingRule.DoesNotExist as exc:
        raise NotFound from exc


@dataclass
class DepartmentStats:
    """How one lead department handles what is routed to it."""

    organisation: Organisation
    routed: int = 0
    open: int = 0
    answered: int = 0
    on_time: int = 0
    overdue_open: int = 0
    escalated: int = 0
    closed: int = 0
    working_days: list[int] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    @property
    def average_days(self) -> float | None:
        return sum(self.working_days) / len(self.working_days) if self.working_days else None

    @property
    def on_time_percent(self) -> float | None:
        return 100 * self.on_time / self.answered if self.answered else None

    @property
    def average_rating(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None


def department_statistics(*, user: User, today: dt.date) -> list[DepartmentStats]:
    """Response times per lead department (working days from raising to the first answer), for the commission."""
    if not permissions.handles_all(user):
        raise NotFound
    stats: dict[int, DepartmentStats] = {}
    rows = visible_difficulties(user=user).select_related(None).select_related("lead")
    for item in rows.order_by("lead__name", "id"):
        row = stats.setdefault(item.lead_id, DepartmentStats(organisation=item.lead))
        row.routed += 1
        if item.first_answered_on is not None:
            row.answered += 1
            row.working_days.append(working_days_between(item.raised_on, item.first_answered_on))
            if item.first_answered_on <= item.due_on:
                row.on_time += 1
        if item.status in AWAITING_ANSWER:
            row.open += 1
            if item.due_on < today:
                row.overdue_open += 1
        if item.escalation == Escalation.ESCALATED:
            row.escalated += 1
        if item.status == DifficultyStatus.CLOSED:
            row.closed += 1
            if item.rating is not None:
                row.ratings.append(item.rating)
    return sorted(stats.values(), key=lambda s: (-s.routed, s.organisation.name))


# -- notices ----------------------------------------------------------------------------------------


def visible_notices(*, user: User) -> QuerySet[Notice]:
    """The commission all; a province its own notices and those sent to its pilots; a pilot those sent to it."""
    scope = scoping.scope_for(user)
    if not scope.sees_business_data or scope.reach is Reach.ASSIGNED:
        return Notice.objects.none()
    if scope.is_national:
        if not permissions.can_send_notices(user):
            return Notice.objects.none()
        rows = Notice.objects.all()
    else:
        received = scoping.restrict(NoticeReceipt.objects.all(), user).values("notice_id")
        if scope.reach is Reach.PROVINCE:
            own = scoping.restrict(Notice.objects.all(), user).values("pk")
            rows = Notice.objects.filter(Q(pk__in=own) | Q(pk__in=received))
        else:
            rows = Notice.objects.filter(pk__in=received)
    return rows.select_related("sender_organisation", "batch", "audience_province")


def get_notice_for(*, user: User, notice_id: int) -> Notice:
    try:
        return visible_notices(user=user).get(pk=notice_id)
    except (Notice.DoesNotExist, ValueError, TypeError) as exc:
        scoping.audit_hidden(Notice.objects.all(), user, {"pk": notice_id})
        raise NotFound from exc


def get_notice_file_for(*, notice: Notice, file_id: int) -> NoticeFile:
    try:
        return NoticeFile.objects.get(notice=notice, pk=file_id)
    except (NoticeFile.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound from exc


def receipts_of(notice: Notice) -> list[NoticeReceipt]:
    return list(
        notice.receipts.select_related("pilot__province", "read_by").order_by(
            "read_at", "pilot__province__code", "pilot__name"
        )
    )


def own_receipt(*, user: User, notice: Notice) -> NoticeReceipt | None:
    """The receipt of the user's own pilot, if the notice went to it."""
    if scoping.scope_for(user).reach is not Reach.PILOT:
        return None
    return scoping.restrict(notice.receipts.all(), user).first()


def unread_notices(*, user: User) -> QuerySet[Notice]:
    """Notices sent to the user's pilot that its office has not opened yet."""
    if not permissions.can_read_notices(user) or scoping.scope_for(user).reach is not Reach.PILOT:
        return Notice.objects.none()
    unread = scoping.restrict(NoticeReceipt.objects.filter(read_at__isnull=True), user).values("notice_id")
    return Notice.objects.filter(pk__in=unread).order_by("-sent_on", "-id")


def notices_with_counts(*, user: User) -> QuerySet[Notice]:
    """The notices ``user`` sees with each one's recipients and reads counted (the sender's list)."""
    return (
        visible_notices(user=user)
        .annotate(
            recipients_count=Count("receipts", distinct=True),
            read_count=Count("receipts", filter=Q(receipts__read_at__isnull=False), distinct=True),
        )
        .prefetch_related(Prefetch("files", queryset=NoticeFile.objects.only("pk", "notice_id", "file_name")))
        .order_by("-sent_on", "-id")
    )
