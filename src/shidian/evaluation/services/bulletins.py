"""The bulletin (通报) of a published run: the editable draft, its content for the document engine, the files."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock, scoping
from shidian.core.errors import Conflict, DomainError, NotFound
from shidian.core.roles import Capability
from shidian.evaluation import bulletin as engine
from shidian.evaluation.models import (
    Bulletin,
    DecisionStatus,
    EliminationProposal,
    Result,
    Run,
    RunStatus,
    Warning,
)
from shidian.evaluation.services._common import manage

BULLETIN_RECIPIENTS = ["各省、自治区、直辖市及计划单列市、新疆生产建设兵团发展改革委"]


BULLETIN_COPIED = ["国家新型城镇化工作部际联席会议各成员单位"]


BULLETIN_ISSUER = "国家发展改革委办公厅"


@transaction.atomic
def save_bulletin(*, run: Run, number: str, title: str, experiences: str, problems: str, by: User) -> Bulletin:
    """Draft or edit the bulletin of a published run (number, title, experiences, problems)."""
    manage(by)
    if run.status != RunStatus.PUBLISHED:
        raise Conflict(_("评估结果发布后才能编制通报。"))
    if not number.strip() or not title.strip():
        raise DomainError(_("通报需要发文字号和标题。"))
    current = Bulletin.objects.filter(run=run).first()
    fields = {
        "number": number.strip(),
        "title": title.strip(),
        "experiences": experiences.strip(),
        "problems": problems.strip(),
    }
    if current is not None and all(getattr(current, k) == v for k, v in fields.items()):
        return current  # saved as it was: write and record nothing
    bulletin, created = Bulletin.objects.update_or_create(
        run=run,
        defaults={
            "number": number.strip(),
            "title": title.strip(),
            "experiences": experiences.strip(),
            "problems": problems.strip(),
            "issued_on": clock.today(),
            "created_by": by,
        },
    )
    audit.record(
        action=audit.AuditAction.BULLETIN_SAVED,
        actor=by,
        obj=bulletin,
        detail={"number": bulletin.number, "created": created},
    )
    return bulletin


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
        number=draft.number if draft else _("（待编号）"),
        title=draft.title if draft else _("关于%(year)d年度国家新型城镇化综合试点评估情况的通报") % {"year": year},
        recipients=BULLETIN_RECIPIENTS,
        copied_to=BULLETIN_COPIED,
        issuer=BULLETIN_ISSUER,
        issued_on=draft.issued_on if draft else clock.today(),
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
