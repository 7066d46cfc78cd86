"""The annual evaluation's sections: an expert's assignments, the commission's and a province's."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import formatting, scoping
from shidian.core.roles import Capability
from shidian.evaluation import selectors as evaluation_selectors
from shidian.workbench.selectors.items import INFO, SOON, WAITING, Item, Section, due_item, due_note, waiting_item


def expert_bench(user: User, today: dt.date) -> list[Section]:
    desk = evaluation_selectors.expert_desk(user=user, today=today, with_past=False)
    if desk.past_count:
        empty = _("目前没有处在评分期内、需要您评分的试点；往年的 %(n)d 项评分任务在“年度评估”中按年度列出。") % {
            "n": desk.past_count
        }
    else:
        empty = _("评估任务分配给您之后，这里会列出需要您评分的试点和评分截止日期。目前没有评估任务。")
    section = Section(
        "assignments",
        _("分配给我的评分任务"),
        link=reverse("evaluation:home"),
        link_label=_("全部评分任务（含往年）") if desk.past_count else _("年度评估"),
        empty=empty,
    )
    # What to do now: the open windows' pilots not yet scored, nearest deadline first; then what opens later.
    for a in desk.now:
        if a.scored_at is not None:
            continue
        section.items.append(
            due_item(
                _("%(year)d年度评估：%(province)s · %(pilot)s")
                % {"year": a.year, "province": a.pilot.province.name, "pilot": a.pilot.name},
                reverse("evaluation:score", kwargs={"assignment_id": a.pk}),
                due=a.closes_on,
                today=today,
                testid=f"assignment-{a.pk}",
            )
        )
    for a in desk.upcoming:
        section.items.append(
            Item(
                _("%(year)d年度评估：%(province)s · %(pilot)s")
                % {"year": a.year, "province": a.pilot.province.name, "pilot": a.pilot.name},
                reverse("evaluation:score", kwargs={"assignment_id": a.pk}),
                note=_("评分期 %(opens)s 开始") % {"opens": formatting.date(a.opens_on)},
                tone=INFO,
                testid=f"assignment-{a.pk}",
            )
        )
    return [section]


def national_evaluation(user: User, today: dt.date) -> list[Section]:
    if not scoping.can(user, Capability.MANAGE_EVALUATION):
        return []
    drafts = Section(
        "evaluation_drafts",
        _("待发布的评估结果"),
        link=reverse("evaluation:home"),
        link_label=_("年度评估"),
        empty=_("没有待发布的评估计算。"),
    )
    for run in evaluation_selectors.draft_runs(user=user):
        drafts.items.append(
            Item(
                str(run),
                reverse("evaluation:run", kwargs={"run_id": run.pk}),
                note=_("异议截止 %(date)s") % {"date": formatting.date(run.objections_until)}
                if run.objections_until
                else "",
                tone=WAITING,
                testid=f"draft-run-{run.pk}",
            )
        )
    objections = Section(
        "objections",
        _("待答复的评估异议"),
        link=reverse("evaluation:home"),
        link_label=_("年度评估"),
        empty=_("没有待答复的异议。"),
    )
    for o in evaluation_selectors.unanswered_objections(user=user):
        objections.items.append(
            waiting_item(
                f"{o.province.name} · {o.result.pilot.name} · {o.result.run}",
                reverse("evaluation:run", kwargs={"run_id": o.result.run_id}) + "#objections",
                since=o.filed_on or o.filed_at.date(),
                today=today,
                comment=o.reasons,
                testid=f"objection-{o.pk}",
            )
        )
    warnings, eliminations = evaluation_selectors.pending_decisions(user=user)
    decisions = Section(
        "evaluation_decisions",
        _("待决定的警示与退出"),
        link=reverse("evaluation:decisions"),
        link_label=_("警示与退出"),
        empty=_("没有待决定的警示或退出建议。"),
    )
    for proposal in [*warnings, *eliminations]:
        decisions.items.append(
            Item(
                f"{proposal} · {proposal.pilot.province.name}",
                reverse("evaluation:decisions"),
                note=proposal.reason,
                tone=SOON,
                testid=f"decision-{proposal._meta.model_name}-{proposal.pk}",
            )
        )
    return [drafts, objections, decisions]


def province_evaluation(user: User, today: dt.date) -> list[Section]:
    section = Section(
        "evaluation_results",
        _("本省试点的评估结果（草稿，可提出异议）"),
        link=reverse("evaluation:home"),
        link_label=_("年度评估"),
        empty=_("没有待确认的评估结果。国家发展改革委计算后，本省试点的草稿结果会在这里出现。"),
    )
    for result in evaluation_selectors.province_draft_results(user=user):
        run = result.run
        note, tone = due_note(run.objections_until, today) if run.objections_until else ("", INFO)
        section.items.append(
            Item(
                _("%(pilot)s：%(score)s 分 · %(grade)s · 全国第 %(rank)d")
                % {
                    "pilot": result.pilot.name,
                    "score": formatting.number(result.score, decimals=2),
                    "grade": result.get_grade_display(),
                    "rank": result.rank_overall,
                },
                reverse("evaluation:result", kwargs={"result_id": result.pk}),
                note=_("异议期：%(note)s") % {"note": note} if note else "",
                tone=tone,
                testid=f"draft-result-{result.pk}",
            )
        )
    return [section]
