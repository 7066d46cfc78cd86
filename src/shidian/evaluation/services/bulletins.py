"""The bulletin (通报) of a published run: the editable draft, its content for the document engine, the files."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock, scoping, transitions
from shidian.core.documents import numbers as document_numbers
from shidian.core.errors import Conflict, DomainError, NotFound
from shidian.core.roles import Capability
from shidian.evaluation import bulletin as engine
from shidian.evaluation.models import (
    BULLETIN_FLOW,
    Bulletin,
    BulletinStatus,
    DecisionStatus,
    EliminationProposal,
    Result,
    Run,
    RunStatus,
    Warning,
)
from shidian.evaluation.services._common import issuing_organisation, manage

BULLETIN_RECIPIENTS = ["各省、自治区、直辖市及计划单列市、新疆生产建设兵团发展改革委"]


BULLETIN_COPIED = ["国家新型城镇化工作部际联席会议各成员单位"]


BULLETIN_ISSUER = "国家发展改革委办公厅"


@transaction.atomic
def save_bulletin(*, run: Run, title: str, experiences: str, problems: str, by: User) -> Bulletin:
    """Draft or edit the bulletin of a published run (title, experiences, problems) until it is issued.

    The 发文字号 is not typed in: ``issue_bulletin`` assigns it from core.documents.numbers.
    """
    manage(by)
    if run.status != RunStatus.PUBLISHED:
        raise Conflict(_("评估结果发布后才能编制通报。"))
    if not title.strip():
        raise DomainError(_("标题：通报需要标题。"))
    current = Bulletin.objects.select_for_update().filter(run=run).first()
    if current is not None and current.status == BulletinStatus.ISSUED:
        raise Conflict(_("通报已印发，不能再修改。"))
    fields = {"title": title.strip(), "experiences": experiences.strip(), "problems": problems.strip()}
    if current is not None and all(getattr(current, k) == v for k, v in fields.items()):
        return current  # saved as it was: write and record nothing
    if current is None:
        bulletin = Bulletin.objects.create(run=run, created_by=by, **fields)
        created = True
    else:
        for key, value in fields.items():
            setattr(current, key, value)
        current.save(update_fields=[*fields, "updated_at"])
        bulletin, created = current, False
    audit.record(
        action=audit.AuditAction.BULLETIN_SAVED,
        actor=by,
        obj=bulletin,
        detail={"title": bulletin.title, "created": created},
    )
    return bulletin


def issue_bulletin(*, run: Run, by: User) -> Bulletin:
    """Issue (印发) the saved draft: its 发文字号 from core.documents.numbers and today's date; no edits after."""
    manage(by)
    bulletin = Bulletin.objects.filter(run=run).first()
    if bulletin is None:
        raise Conflict(_("请先保存通报草稿，再印发。"))
    organisation = issuing_organisation(_("发文字号"))

    def apply(locked: Bulletin) -> transitions.Effects:
        today = clock.today()
        issued = document_numbers.issue_document_number(
            organisation=organisation, year=today.year, subject=document_numbers.subject_of(locked)
        )
        locked.number = issued.text
        locked.issued_on = today
        return transitions.Effects(fields=["number", "issued_on"], detail={"number": issued.text})

    result: Bulletin = transitions.move(bulletin, BulletinStatus.ISSUED, flow=BULLETIN_FLOW, by=by, apply=apply)
    return result


def bulletin_content(*, run: Run) -> engine.BulletinContent:
    """The bulletin's content from a published run: grades and ranks, warned and eliminated pilots, attachments."""
    if run.status != RunStatus.PUBLISHED:
        raise Conflict(_("评估结果发布后才能生成通报。"))
    draft = Bulletin.objects.filter(run=run).first()
    year = run.scheme.year
    results = list(
        Result.objects.filter(run=run)
        .select_related("pilot__province", "pilot__batch")
        .order_by("rank_overall", "pilot_id")
    )
    grades = [
        engine.GradeRow(
            pilot=r.pilot.name,
            province=r.pilot.province.name,
            batch=str(r.pilot.batch),
            score=r.score,
            grade=r.grade,
            rank=r.rank_overall,
        )
        for r in results
    ]
    warned = [
        engine.NamedReason(pilot=w.pilot.name, province=w.pilot.province.name, reason=w.reason)
        for w in Warning.objects.filter(year=year, status=DecisionStatus.APPROVED).select_related("pilot__province")
    ]
    eliminated = [
        engine.NamedReason(pilot=e.pilot.name, province=e.pilot.province.name, reason=e.reason)
        for e in EliminationProposal.objects.filter(year=year, status=DecisionStatus.APPROVED).select_related(
            "pilot__province"
        )
    ]

    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    return engine.BulletinContent(
        year=year,
        number=draft.number if draft is not None and draft.number else _("（印发时编号）"),
        title=draft.title if draft else _("关于%(year)d年度国家新型城镇化综合试点评估情况的通报") % {"year": year},
        recipients=BULLETIN_RECIPIENTS,
        copied_to=BULLETIN_COPIED,
        issuer=BULLETIN_ISSUER,
        issued_on=draft.issued_on if draft is not None and draft.issued_on else clock.today(),
        grades=grades,
        warned=warned,
        eliminated=eliminated,
        experiences=lines(draft.experiences) if draft else [],
        problems=lines(draft.problems) if draft else [],
        attachments=[_("%(year)d年度国家新型城镇化综合试点评估结果") % {"year": year}],
        printed_by=BULLETIN_ISSUER,
    )


def bulletin_file(*, run: Run, fmt: str, by: User) -> tuple[bytes, str]:
    """The bulletin as DOCX or PDF bytes and its file name; the download is audited."""
    if not scoping.can(by, Capability.VIEW_EVALUATION):
        raise NotFound
    content = bulletin_content(run=run)
    data = engine.pdf_bytes(content) if fmt == "pdf" else engine.docx_bytes(content)
    audit.record(action=audit.AuditAction.BULLETIN_DOWNLOADED, actor=by, obj=run, detail={"format": fmt})
    return data, f"{run.scheme.year}年度评估通报.{fmt}"
