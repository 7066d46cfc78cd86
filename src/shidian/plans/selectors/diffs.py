"""What changed between two plan versions."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from shidian.plans.models import Milestone, PlanVersion, Task


@dataclass(frozen=True)
class Difference:
    change: str  # "added", "removed", "changed"
    subject: str
    field: str = ""
    before: str = ""
    after: str = ""


def _task_facts(task: Task) -> dict[str, str]:
    return {
        _("重点领域"): task.focus_area_label,
        _("牵头单位"): task.lead_department_label,
        _("配合单位"): "、".join(sorted(task.supporting_labels)),
        _("责任人"): task.responsible,
        _("完成期限"): task.deadline.isoformat(),
        _("权重"): str(task.weight),
    }


def _milestone_facts(m: Milestone) -> dict[str, str]:
    return {
        _("工期（天）"): str(m.duration_days),
        _("成果形式"): m.deliverable,
        _("前置节点"): "、".join(sorted(d.name for d in m.depends_on.all())),
        _("计划完成"): m.planned_finish.isoformat() if m.planned_finish else "",
    }


def _goal_subject(text: str, year: int) -> str:
    return _("目标（%(year)d 年）：%(text)s") % {"year": year, "text": text}


def _task_subject(title: str) -> str:
    return _("任务：%(title)s") % {"title": title}


def _milestone_subject(task: str, milestone: str) -> str:
    return _("节点：%(task)s / %(milestone)s") % {"task": task, "milestone": milestone}


def _load(version: PlanVersion) -> list[Task]:
    return list(
        version.tasks.select_related("focus_area", "lead_department", "responsible_user").prefetch_related(
            "supporting_departments", "milestones__depends_on"
        )
    )


def diff_versions(*, old: PlanVersion, new: PlanVersion) -> list[Difference]:
    """What changed from ``old`` to ``new``: texts, goals, tasks and milestones."""
    out: list[Difference] = []
    for label, attr in ((_("实施方案"), "implementation_plan"), (_("行动计划"), "action_plan")):
        if getattr(old, attr) != getattr(new, attr):
            out.append(Difference("changed", label, label, getattr(old, attr), getattr(new, attr)))
    old_goals = {(g.text, g.target_year) for g in old.goals.all()}
    new_goals = {(g.text, g.target_year) for g in new.goals.all()}
    out += [Difference("removed", _goal_subject(t, y)) for t, y in sorted(old_goals - new_goals)]
    out += [Difference("added", _goal_subject(t, y)) for t, y in sorted(new_goals - old_goals)]
    old_tasks = _load(old)
    new_tasks = _load(new)
    old_by_pk = {t.pk: t for t in old_tasks}
    old_by_title = {t.title: t for t in old_tasks}
    matched: set[int] = set()
    for task in new_tasks:
        before = old_by_pk.get(task.copied_from_id or 0) or old_by_title.get(task.title)
        if before is None:
            out.append(Difference("added", _task_subject(task.title)))
            continue
        matched.add(before.pk)
        if before.title != task.title:
            out.append(Difference("changed", _task_subject(task.title), _("任务"), before.title, task.title))
        a, b = _task_facts(before), _task_facts(task)
        out += [Difference("changed", _task_subject(task.title), k, a[k], b[k]) for k in a if a[k] != b[k]]
        old_ms = list(before.milestones.all())
        old_ms_by_pk = {m.pk: m for m in old_ms}
        old_ms_by_name = {m.name: m for m in old_ms}
        seen: set[int] = set()
        for m in task.milestones.all():
            prior = old_ms_by_pk.get(m.copied_from_id or 0) or old_ms_by_name.get(m.name)
            subject = _milestone_subject(task.title, m.name)
            if prior is None:
                out.append(Difference("added", subject))
                continue
            seen.add(prior.pk)
            x, y = _milestone_facts(prior), _milestone_facts(m)
            out += [Difference("changed", subject, k, x[k], y[k]) for k in x if x[k] != y[k]]
        out += [Difference("removed", _milestone_subject(task.title, m.name)) for m in old_ms if m.pk not in seen]
    out += [Difference("removed", _task_subject(t.title)) for t in old_tasks if t.pk not in matched]
    return out
