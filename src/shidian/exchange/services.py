"""Writes of difficulties, the routing table and notices: check permission and state, write, audit."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind
from shidian.core import audit, clock, scoping, uploads
from shidian.core.audit_actions import AuditAction
from shidian.core.documents import Heading, Kind, OfficialDocument, Paragraph, Table
from shidian.core.documents.numbers import issue_document_number, subject_of
from shidian.core.errors import DomainError, NotFound
from shidian.core.roles import Reach
from shidian.core.transitions import Effects, move
from shidian.exchange import permissions
from shidian.exchange.models import (
    DIFFICULTY_FLOW,
    ESCALATION_FLOW,
    Audience,
    Category,
    Difficulty,
    DifficultyFile,
    DifficultyStatus,
    Escalation,
    Notice,
    NoticeFile,
    NoticeReceipt,
    Reply,
    ReplyKind,
    RoutingRule,
)
from shidian.exchange.selectors import overdue_unescalated
from shidian.pilots.models import Batch, PilotArea, PilotStatus
from shidian.plans.scheduling import add_working_days
from shidian.regions.models import Province

# The reply deadline: 15 working days on the programme's working-day calendar (holidays and 调休 counted).
REPLY_WORKING_DAYS = 15
IN_PROGRAMME = (PilotStatus.ACTIVE, PilotStatus.WARNED)
RATINGS = range(1, 6)

# The default routing table, by the names the departments bear today (国土资源部 became 自然资源部 in 2018,
# 农业部 农业农村部, 中国银监会 国家金融监督管理总局); a former name finds its organisation too.
DEFAULT_ROUTING: dict[str, tuple[str, tuple[str, ...]]] = {
    Category.HUKOU: ("公安部", ("人力资源社会保障部",)),
    Category.LAND: ("自然资源部", ("住房城乡建设部", "农业农村部")),
    Category.FISCAL: ("财政部", ("国家发展改革委",)),
    Category.FINANCE: ("中国人民银行", ("国家金融监督管理总局",)),
    Category.STAFFING: ("中央编办", ()),
    Category.SOCIAL_SECURITY: ("人力资源社会保障部", ("财政部", "民政部")),
    Category.HOUSING: ("住房城乡建设部", ()),
    Category.PLANNING: ("自然资源部", ("住房城乡建设部",)),
    Category.OTHER: ("国家发展改革委", ()),
}
HANDLING_KINDS = (OrganisationKind.MINISTRY, OrganisationKind.NATIONAL_COMMISSION)


@dataclass(frozen=True)
class Upload:
    """A file as a form received it: its name and bytes."""

    name: str
    content: bytes


def _organisation_named(name: str) -> Organisation | None:
    return (
        Organisation.objects.filter(kind__in=HANDLING_KINDS)
        .filter(Q(name=name) | Q(former_names__name=name))
        .order_by("pk")
        .first()
    )


@transaction.atomic
def ensure_routing() -> list[RoutingRule]:
    """Create the default rule of every category that has none (existing rules are kept); idempotent."""
    created = []
    existing = set(RoutingRule.objects.values_list("category", flat=True))
    for category, (lead_name, co_names) in DEFAULT_ROUTING.items():
        if category in existing:
            continue
        lead = _organisation_named(lead_name)
        if lead is None:
            continue
        rule = RoutingRule.objects.create(category=category, lead=lead)
        rule.co_handlers.set([o for n in co_names if (o := _organisation_named(n)) is not None and o != lead])
        created.append(rule)
    return created


def _check_handlers(lead: Organisation, co_handlers: Iterable[Organisation]) -> list[Organisation]:
    if lead.kind not in HANDLING_KINDS:
        raise DomainError(_("牵头部门须为联合评审部门或国家发展改革委。"))
    co = [o for o in co_handlers if o.pk != lead.pk]
    if any(o.kind not in HANDLING_KINDS for o in co):
        raise DomainError(_("协办部门须为联合评审部门或国家发展改革委。"))
    return co


@transaction.atomic
def set_routing(*, category: str, lead: Organisation, co_handlers: Iterable[Organisation], by: Any) -> RoutingRule:
    """Route future difficulties of ``category`` to ``lead`` and ``co_handlers`` (items raised before keep theirs)."""
    if not permissions.can_manage_routing(by):
        raise NotFound
    if category not in Category.values:
        raise NotFound
    co = _check_handlers(lead, co_handlers)
    rule = RoutingRule.objects.select_for_update().filter(category=category).first()
    before = {"lead": rule.lead.name, "co_handlers": sorted(o.name for o in rule.co_handlers.all())} if rule else {}
    if rule is None:
        rule = RoutingRule.objects.create(category=category, lead=lead)
    else:
        rule.lead = lead
        rule.save(update_fields=["lead"])
    rule.co_handlers.set(co)
    after = {"lead": lead.name, "co_handlers": sorted(o.name for o in co)}
    changes = audit.diff(before, after)
    if changes:
        audit.record(action=AuditAction.ROUTING_CHANGED, actor=by, obj=rule, changes=changes)
    return rule


def _checked(files: Sequence[Upload]) -> list[tuple[Upload, str]]:
    """Every file checked (type by content, size) before anything is written; a refusal names the file."""
    limit = int(settings.EXCHANGE_FILE_MAX_BYTES)
    return [
        (f, uploads.check(f.content, allowed=uploads.DOCUMENTS, max_bytes=limit, name=f.name).content_type)
        for f in files
    ]


def _store_files(difficulty: Difficulty, files: list[tuple[Upload, str]], by: Any) -> None:
    for upload, content_type in files:
        stored = DifficultyFile.objects.create(
            difficulty=difficulty,
            file_name=upload.name[:200],
            content_type=content_type,
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
            content=upload.content,
            uploaded_by=by if getattr(by, "is_authenticated", False) else None,
        )
        audit.record(
            action=AuditAction.DIFFICULTY_FILE_ADDED,
            actor=by,
            obj=difficulty,
            detail={"file": stored.file_name, "size": stored.size, "sha256": stored.sha256},
        )


def _user(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


@transaction.atomic
def raise_difficulty(
    *,
    pilot: PilotArea,
    category: str,
    title: str,
    description: str,
    by: Any,
    files: Sequence[Upload] = (),
    source_report: Any = None,
    is_demo: bool = False,
) -> Difficulty:
    """Raise a difficulty for ``pilot``, route it by its category and give it its reply deadline."""
    if not permissions.can_raise_for(by, pilot):
        raise NotFound
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
    checked = _checked(files)
    rule = RoutingRule.objects.select_related("lead").filter(category=category).first()
    if rule is None:
        ensure_routing()
        rule = RoutingRule.objects.select_related("lead").filter(category=category).first()
    if rule is None:
        raise DomainError(_("“%(category)s”类问题尚无分办规则，请联系国家发展改革委。") % {"category": category})
    today = clock.today()
    difficulty = Difficulty.objects.create(
        pilot=pilot,
        province_id=pilot.province_id,
        category=category,
        title=title.strip(),
        description=description.strip(),
        lead=rule.lead,
        raised_by=by if getattr(by, "is_authenticated", False) else _demo_raiser(pilot),
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


def _demo_raiser(pilot: PilotArea) -> Any:
    """The platform raises only demo items: in the name of the pilot's office account."""
    from shidian.accounts.models import User

    raiser = User.objects.filter(organisation__pilot=pilot, role="pilot_officer").order_by("pk").first()
    if raiser is None:
        raise DomainError(_("%(pilot)s没有试点工作人员账号。") % {"pilot": pilot.name})
    return raiser


def _reply(difficulty: Difficulty, kind: str, body: str, by: Any) -> Reply:
    if getattr(by, "is_authenticated", False):
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


def _not_routed() -> DomainError:
    return DomainError(_("该问题未分办给贵单位牵头办理，不能受理或答复。"))


def accept_difficulty(*, difficulty: Difficulty, by: Any) -> Difficulty:
    """The lead department accepts the item for handling (受理)."""

    def guard(locked: Difficulty) -> None:
        if not permissions.is_lead(by, locked):
            raise _not_routed()

    def apply(locked: Difficulty) -> Effects:
        locked.accepted_on = clock.today()
        return Effects(fields=["accepted_on"], detail={"accepted_on": locked.accepted_on})

    return move(difficulty, DifficultyStatus.ACCEPTED, flow=DIFFICULTY_FLOW, by=by, guard=guard, apply=apply)


def answer_difficulty(*, difficulty: Difficulty, body: str, by: Any, files: Sequence[Upload] = ()) -> Difficulty:
    """The lead department answers an accepted (or reopened) item; files may go with the answer."""
    checked = _checked(files)

    def guard(locked: Difficulty) -> None:
        if not permissions.is_lead(by, locked):
            raise _not_routed()

    def apply(locked: Difficulty) -> Effects:
        if not body.strip():
            raise DomainError(_("请填写答复意见。"))
        today = clock.today()
        locked.answered_on = today
        if locked.first_answered_on is None:
            locked.first_answered_on = today
        _reply(locked, ReplyKind.ANSWER, body.strip(), by)
        _store_files(locked, checked, by)
        return Effects(
            fields=["answered_on", "first_answered_on"],
            detail={"answered_on": today, "late": today > locked.due_on},
        )

    return move(difficulty, DifficultyStatus.ANSWERED, flow=DIFFICULTY_FLOW, by=by, guard=guard, apply=apply)


@transaction.atomic
def add_co_opinion(*, difficulty: Difficulty, body: str, by: Any) -> Reply:
    """A co-handling department gives its opinion to the lead department (no change of status)."""
    if not permissions.is_co_handler(by, difficulty):
        raise DomainError(_("贵单位不是该问题的协办部门，不能填写协办意见。"))
    if difficulty.status not in {DifficultyStatus.SUBMITTED, DifficultyStatus.ACCEPTED, DifficultyStatus.REOPENED}:
        raise DomainError(_("该问题已答复或办结，不能再填写协办意见。"))
    if not body.strip():
        raise DomainError(_("请填写协办意见。"))
    reply = _reply(difficulty, ReplyKind.CO_OPINION, body.strip(), by)
    audit.record(action=AuditAction.DIFFICULTY_CO_OPINION, actor=by, obj=difficulty, detail={"reply": reply.pk})
    return reply


def _not_yours() -> DomainError:
    return DomainError(_("只有提出该问题的试点（或代为提出的省级发展改革部门）可以办结或要求重新办理。"))


def close_difficulty(*, difficulty: Difficulty, rating: int, by: Any, comment: str = "") -> Difficulty:
    """The raiser closes an answered item with a satisfaction rating from 1 to 5."""

    def guard(locked: Difficulty) -> None:
        if not permissions.is_raiser_side(by, locked):
            raise _not_yours()

    def apply(locked: Difficulty) -> Effects:
        if rating not in RATINGS:
            raise DomainError(_("满意度须为 1 至 5 分。"))
        locked.rating = rating
        locked.closed_on = clock.today()
        _reply(locked, ReplyKind.CLOSE, comment.strip(), by)
        return Effects(fields=["rating", "closed_on"], changes={"rating": [None, rating]})

    return move(difficulty, DifficultyStatus.CLOSED, flow=DIFFICULTY_FLOW, by=by, guard=guard, apply=apply)


def reopen_difficulty(*, difficulty: Difficulty, reason: str, by: Any) -> Difficulty:
    """The raiser is not satisfied with the answer: the item goes back to the lead with a new reply deadline."""

    def guard(locked: Difficulty) -> None:
        if not permissions.is_raiser_side(by, locked):
            raise _not_yours()

    def apply(locked: Difficulty) -> Effects:
        if not reason.strip():
            raise DomainError(_("请说明重新办理的理由。"))
        before = locked.due_on
        locked.due_on = add_working_days(clock.today(), REPLY_WORKING_DAYS)
        _reply(locked, ReplyKind.REOPEN, reason.strip(), by)
        return Effects(fields=["due_on"], changes={"due_on": [before, locked.due_on]})

    return move(difficulty, DifficultyStatus.REOPENED, flow=DIFFICULTY_FLOW, by=by, guard=guard, apply=apply)


def escalate_difficulty(*, difficulty: Difficulty, by: Any) -> Difficulty:
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


def escalate_overdue(*, by: Any) -> list[Difficulty]:
    """Escalate every item past its reply deadline on the business date (the daily job); run twice, once."""
    if not permissions.is_platform(by):
        raise NotFound
    return [escalate_difficulty(difficulty=d, by=by) for d in overdue_unescalated(today=clock.today())]


# -- notices ----------------------------------------------------------------------------------------


def _recipients(
    *,
    audience: str,
    batch: Batch | None,
    province: Province | None,
    pilots: Sequence[PilotArea],
    by: Any,
) -> list[PilotArea]:
    scope = scoping.scope_for(by)
    provincial = scope.reach is Reach.PROVINCE
    rows: Any = PilotArea.objects.filter(status__in=IN_PROGRAMME)
    if audience == Audience.ALL:
        pass
    elif audience == Audience.BATCH:
        if batch is None:
            raise DomainError(_("请选择批次。"))
        rows = rows.filter(batch=batch)
    elif audience == Audience.PROVINCE:
        if province is None:
            raise DomainError(_("请选择省份。"))
        if provincial and scope.provinces is not None and province.pk not in scope.provinces:
            raise DomainError(
                _("省级发展改革部门只能向本省试点发送通知，不能发往%(province)s。") % {"province": province.name}
            )
        rows = rows.filter(province=province)
    elif audience == Audience.CHOSEN:
        if not pilots:
            raise DomainError(_("请至少选择一个试点。"))
        foreign = [
            p.name
            for p in pilots
            if provincial and scope.provinces is not None and p.province_id not in scope.provinces
        ]
        if foreign:
            raise DomainError(_("以下试点不属于本省，不能发送：%(pilots)s。") % {"pilots": "、".join(foreign)})
        rows = rows.filter(pk__in=[p.pk for p in pilots])
    else:
        raise DomainError(_("请选择发送范围。"))
    if provincial:
        rows = scoping.restrict(rows, by)  # "all pilots" and "a batch" of a province: its own pilots
    return list(rows.order_by("province__code", "batch__number", "name"))


@transaction.atomic
def send_notice(
    *,
    title: str,
    body: str,
    audience: str,
    by: Any,
    batch: Batch | None = None,
    province: Province | None = None,
    pilots: Sequence[PilotArea] = (),
    as_document: bool = False,
    files: Sequence[Upload] = (),
    is_demo: bool = False,
) -> Notice:
    """Send a guidance notice to the pilots of ``audience``; optionally issue it as a 公文 with its number."""
    if not permissions.can_send_notices(by):
        raise NotFound
    if not title.strip():
        raise DomainError(_("请填写标题。"))
    if not body.strip():
        raise DomainError(_("请填写正文。"))
    checked = _checked(files)
    recipients = _recipients(audience=audience, batch=batch, province=province, pilots=pilots, by=by)
    if not recipients:
        raise DomainError(_("发送范围内没有在试点中的试点地区。"))
    organisation = _sender_organisation(by)
    notice = Notice.objects.create(
        title=title.strip(),
        body=body.strip(),
        audience=audience,
        batch=batch if audience == Audience.BATCH else None,
        audience_province=province if audience == Audience.PROVINCE else None,
        sender=by if getattr(by, "is_authenticated", False) else _platform_sender(),
        sender_organisation=organisation,
        sender_province=organisation.province,
        sent_on=clock.today(),
        as_document=as_document,
        is_demo=is_demo,
    )
    if as_document:
        number = issue_document_number(organisation=organisation, year=notice.sent_on.year, subject=subject_of(notice))
        notice.document_number = number.text
        notice.save(update_fields=["document_number"])
    NoticeReceipt.objects.bulk_create([NoticeReceipt(notice=notice, pilot=p) for p in recipients])
    for upload, content_type in checked:
        NoticeFile.objects.create(
            notice=notice,
            file_name=upload.name[:200],
            content_type=content_type,
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
            content=upload.content,
        )
    audit.record(
        action=AuditAction.NOTICE_SENT,
        actor=by,
        obj=notice,
        detail={
            "audience": audience,
            "recipients": len(recipients),
            "document_number": notice.document_number,
            "files": [u.name for u, _t in checked],
        },
    )
    return notice


def _sender_organisation(by: Any) -> Organisation:
    organisation = permissions.acting_organisation(by) if getattr(by, "is_authenticated", False) else None
    if organisation is None:
        organisation = Organisation.objects.get(kind=OrganisationKind.NATIONAL_COMMISSION)
    return organisation


def _platform_sender() -> Any:
    from shidian.accounts.models import User

    sender = User.objects.filter(role="national_admin", is_active=True).order_by("pk").first()
    if sender is None:
        raise DomainError(_("没有国家发展改革委管理员账号。"))
    return sender


@transaction.atomic
def open_notice(*, notice: Notice, by: Any) -> NoticeReceipt | None:
    """A recipient pilot's office opens the notice: the first opening is its read receipt (later ones change
    nothing). Returns the receipt, or None when ``by`` reads for no recipient."""
    if not permissions.can_read_notices(by) or scoping.scope_for(by).reach is not Reach.PILOT:
        return None
    receipt = scoping.restrict(NoticeReceipt.objects.select_for_update().filter(notice=notice), by).first()
    if receipt is None or receipt.read_at is not None:
        return receipt
    receipt.read_at = clock.now()
    receipt.read_by = by
    receipt.save(update_fields=["read_at", "read_by"])
    audit.record(action=AuditAction.NOTICE_READ, actor=by, obj=notice, detail={"pilot": receipt.pilot.name})
    return receipt


def notice_document(notice: Notice) -> OfficialDocument:
    """The notice as a 公文 (下行文) in the GB/T 9704 layout: red header, number, recipients, text, signature."""
    organisation = notice.sender_organisation
    blocks: list[Heading | Paragraph | Table] = []
    for paragraph in [p.strip() for p in notice.body.splitlines() if p.strip()]:
        blocks.append(Paragraph(paragraph))
    return OfficialDocument(
        title=notice.title,
        kind=Kind.DOWNWARD,
        issuer_mark=_issuer_mark(organisation, notice.sent_on),
        number=notice.document_number,
        recipients=[_audience_text(notice)],
        blocks=blocks,
        attachments=[f.file_name for f in notice.files.all()],
        signature=organisation.name_on(notice.sent_on),
        date=notice.sent_on,
        printed_by=organisation.name_on(notice.sent_on),
        printed_on=notice.sent_on,
        is_demo=notice.is_demo,
    )


def _issuer_mark(organisation: Organisation, day: dt.date) -> str:
    if organisation.kind == OrganisationKind.NATIONAL_COMMISSION:
        return "国家发展和改革委员会文件"
    return _("%(name)s文件") % {"name": organisation.name_on(day)}


def _audience_text(notice: Notice) -> str:
    if notice.audience == Audience.BATCH and notice.batch is not None:
        return _("%(batch)s国家新型城镇化综合试点地区") % {"batch": notice.batch}
    if notice.audience == Audience.PROVINCE and notice.audience_province is not None:
        return _("%(province)s国家新型城镇化综合试点地区") % {"province": notice.audience_province.name}
    if notice.audience == Audience.CHOSEN:
        names = list(notice.receipts.values_list("pilot__name", flat=True)[:20])
        return "、".join(names)
    return _("各国家新型城镇化综合试点地区")


def record_download(*, obj: Notice | Difficulty, by: Any, file_name: str, action: AuditAction) -> None:
    """A download of a stored file or a generated document is audited."""
    audit.record(action=action, actor=by, obj=obj, detail={"file": file_name})
