"""Guidance notices (工作通知): recipients, sending (optionally as a 公文), read receipts, the document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import audit, clock, scoping
from shidian.core.actors import SystemActor
from shidian.core.audit_actions import AuditAction
from shidian.core.documents import Heading, Kind, OfficialDocument, Paragraph, Table
from shidian.core.documents.numbers import issue_document_number, subject_of
from shidian.core.errors import DomainError, NotFound
from shidian.core.roles import Reach
from shidian.exchange import permissions
from shidian.exchange.models import (
    Audience,
    Notice,
    NoticeReceipt,
)
from shidian.exchange.services.difficulties import IN_PROGRAMME
from shidian.exchange.services.files import Upload, _checked, _store_notice_files, _user
from shidian.notifications import services as notification_services
from shidian.pilots.models import Batch, PilotArea
from shidian.regions.models import Province


def _recipients(
    *,
    audience: str,
    batch: Batch | None,
    province: Province | None,
    pilots: Sequence[PilotArea],
    by: User | SystemActor,
) -> list[PilotArea]:
    # A province's officers send only within their province; the reach test is core.scoping's.
    provincial = scoping.scope_for(by).reach is Reach.PROVINCE
    rows: QuerySet[PilotArea] = PilotArea.objects.filter(status__in=IN_PROGRAMME)
    if audience == Audience.ALL:
        pass
    elif audience == Audience.BATCH:
        if batch is None:
            raise DomainError(_("请选择批次。"))
        rows = rows.filter(batch=batch)
    elif audience == Audience.PROVINCE:
        if province is None:
            raise DomainError(_("请选择省份。"))
        if provincial and not scoping.sees(by, province):
            raise DomainError(
                _("省级发展改革部门只能向本省试点发送通知，不能发往%(province)s。") % {"province": province.name}
            )
        rows = rows.filter(province=province)
    elif audience == Audience.CHOSEN:
        if not pilots:
            raise DomainError(_("请至少选择一个试点。"))
        foreign = [p.name for p in pilots if provincial and not scoping.sees(by, p)]
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
    by: User | SystemActor,
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
        sender=_user(by) or _platform_sender(),
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
    _store_notice_files(notice, checked)
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


def _sender_organisation(by: User | SystemActor) -> Organisation:
    organisation = permissions.acting_organisation(by) if isinstance(by, User) else None
    if organisation is None:
        organisation = Organisation.objects.get(kind=OrganisationKind.NATIONAL_COMMISSION)
    return organisation


def _platform_sender() -> User:
    sender = User.objects.filter(role="national_admin", is_active=True).order_by("pk").first()
    if sender is None:
        raise DomainError(_("没有国家发展改革委管理员账号。"))
    return sender


@transaction.atomic
def open_notice(*, notice: Notice, by: User) -> NoticeReceipt | None:
    """A recipient pilot's office opens the notice: the first opening is its read receipt (later ones change
    nothing), and the reader's inbox notification of it is read. Returns the receipt, or None when ``by``
    reads for no recipient."""
    if not permissions.can_read_notices(by) or scoping.scope_for(by).reach is not Reach.PILOT:
        return None
    receipt = scoping.restrict(NoticeReceipt.objects.select_for_update().filter(notice=notice), by).first()
    if receipt is None:
        return None
    # One reading, told on both sides: the inbox's notification of this notice is read too (and marking that
    # notification read in the inbox comes here, through notifications.registry.on_read in exchange.notify).
    notification_services.mark_read_about(user=by, action=AuditAction.NOTICE_SENT, object_id=notice.pk)
    if receipt.read_at is not None:
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
