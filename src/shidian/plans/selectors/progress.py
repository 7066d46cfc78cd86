"""Progress arithmetic over milestones and the roll-ups of one pilot, a province and the nation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from shidian.core import clock
from shidian.pilots.models import BATCH_NAMES, PilotArea
from shidian.plans.models import FocusArea, Milestone, MilestoneStatus, PlanStatus, PlanVersion, Task
from shidian.plans.selectors.access import visible_pilots
from shidian.plans.selectors.versions import attention_version_ids, current_version_ids


@dataclass(frozen=True)
class MilestoneRow:
    task_id: int
    task_weight: int
    focus_area: str
    duration: int
    progress: int
    status: str
    planned_finish: dt.date | None
    finished_on: dt.date | None = None

    def done_by(self, day: dt.date) -> bool:
        """Done, and (where the completion date is known) done on or before ``day``."""
        return self.status == MilestoneStatus.DONE and (self.finished_on is None or self.finished_on <= day)

    def overdue(self, today: dt.date) -> bool:
        """Past its planned finish on ``today`` and not done by then."""
        return self.planned_finish is not None and self.planned_finish < today and not self.done_by(today)


def weighted_progress(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Weighted mean of (weight, percent) pairs; None when there is nothing to weigh."""
    total = 0.0
    weight_sum = 0.0
    for weight, percent in pairs:
        total += weight * percent
        weight_sum += weight
    return round(total / weight_sum, 1) if weight_sum else None


def task_progress(milestones: Sequence[MilestoneRow]) -> float | None:
    """Task progress: milestone progress weighted by duration."""
    return weighted_progress((m.duration, m.progress) for m in milestones)


def rollup(rows: Sequence[MilestoneRow]) -> float | None:
    """Pilot progress: task progress weighted by task weight (tasks without milestones count as 0%)."""
    by_task: dict[int, list[MilestoneRow]] = defaultdict(list)
    for row in rows:
        by_task[row.task_id].append(row)
    return weighted_progress((ms[0].task_weight, task_progress(ms) or 0.0) for ms in by_task.values())


def _rows(version_ids: Iterable[int]) -> dict[int, list[MilestoneRow]]:
    """Milestone rows per version id, in one query."""
    result: dict[int, list[MilestoneRow]] = defaultdict(list)
    values = Milestone.objects.filter(task__version_id__in=list(version_ids)).values_list(
        "task__version_id",
        "task_id",
        "task__weight",
        "task__focus_area__name",
        "duration_days",
        "progress_percent",
        "status",
        "planned_finish",
        "finished_on",
    )
    for version_id, task_id, weight, focus, duration, progress, status, finish, finished in values:
        result[version_id].append(MilestoneRow(task_id, weight, focus, duration, progress, status, finish, finished))
    return result


def _task_counts(version_ids: Iterable[int]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for version_id in Task.objects.filter(version_id__in=list(version_ids)).values_list("version_id", flat=True):
        counts[version_id] += 1
    return counts


def pilot_progress_facts(*, pilot: PilotArea, period_end: dt.date) -> dict[str, Any]:
    """Plain facts about a pilot's plan as of ``period_end`` (for reports); no user check, callers scope."""
    version_id = current_version_ids([pilot.pk]).get(pilot.pk)
    if version_id is None:
        return {
            "has_plan": False,
            "plan_status": None,
            "version": None,
            "tasks": 0,
            "milestones": 0,
            "milestones_due": 0,
            "milestones_done": 0,
            "overdue": 0,
            "progress_percent": None,
            "tasks_by_focus_area": [],
        }
    version = PlanVersion.objects.get(pk=version_id)
    rows = _rows([version_id])[version_id]
    by_focus: dict[str, set[int]] = defaultdict(set)
    for name, task_id in Task.objects.filter(version_id=version_id).values_list("focus_area__name", "id"):
        by_focus[name].add(task_id)
    due = [r for r in rows if r.planned_finish is not None and r.planned_finish <= period_end]
    return {
        "has_plan": True,
        "plan_status": version.status,
        "version": version.number,
        "tasks": sum(len(v) for v in by_focus.values()),
        "milestones": len(rows),
        "milestones_due": len(due),
        "milestones_done": sum(1 for r in due if r.done_by(period_end)),
        "overdue": sum(1 for r in rows if r.overdue(period_end)),
        "progress_percent": rollup(rows),
        "tasks_by_focus_area": [
            {"focus_area": name, "tasks": len(ids)} for name, ids in sorted(by_focus.items(), key=lambda i: -len(i[1]))
        ],
    }


@dataclass
class PilotProgress:
    pilot: PilotArea
    version: PlanVersion | None
    pending: PlanVersion | None = None  # a newer draft, submitted or returned version than the one in force
    tasks: int = 0
    milestones: int = 0
    done: int = 0
    overdue: int = 0
    progress: float | None = None


def _progress_rows(pilots: Sequence[PilotArea], today: dt.date) -> list[PilotProgress]:
    current = current_version_ids([p.pk for p in pilots])
    attention = attention_version_ids([p.pk for p in pilots])
    versions = PlanVersion.objects.in_bulk([*current.values(), *attention.values()])
    rows = _rows(current.values())
    tasks = _task_counts(current.values())
    result = []
    for pilot in pilots:
        version_id = current.get(pilot.pk)
        ms = rows.get(version_id, []) if version_id else []
        result.append(
            PilotProgress(
                pilot=pilot,
                version=versions.get(version_id) if version_id else None,
                pending=versions.get(attention[pilot.pk])
                if attention.get(pilot.pk, version_id) != version_id
                else None,
                tasks=tasks.get(version_id, 0) if version_id else 0,
                milestones=len(ms),
                done=sum(1 for m in ms if m.status == MilestoneStatus.DONE),
                overdue=sum(1 for m in ms if m.overdue(today)),
                progress=rollup(ms) if ms else None,
            )
        )
    return result


def province_progress(*, user: Any, province: Any, today: dt.date | None = None) -> list[PilotProgress]:
    """Each pilot of ``province`` (within the user's reach): plan status, progress, overdue milestones."""
    pilots = list(visible_pilots(user=user).filter(province=province))
    return _progress_rows(pilots, today or clock.today())


@dataclass
class Breakdown:
    label: str
    pilots: int = 0
    with_plan: int = 0
    approved: int = 0
    overdue: int = 0
    progress_pairs: list[tuple[float, float]] = field(default_factory=list)

    @property
    def progress(self) -> float | None:
        return weighted_progress(self.progress_pairs)


@dataclass
class NationalView:
    by_batch: list[Breakdown]
    by_region: list[Breakdown]
    by_focus_area: list[Breakdown]
    rows: list[PilotProgress]


def national_progress(*, user: Any, today: dt.date | None = None) -> NationalView:
    """Progress of every visible pilot, grouped by batch, region and focus area."""
    today = today or clock.today()
    pilots = list(visible_pilots(user=user))
    rows = _progress_rows(pilots, today)
    by_batch: dict[str, Breakdown] = {}
    by_region: dict[str, Breakdown] = {}
    for row in rows:
        batch_label = str(BATCH_NAMES.get(row.pilot.batch.number, row.pilot.batch.number))
        region_label = str(row.pilot.province.get_region_display())
        for groups, label in ((by_batch, batch_label), (by_region, region_label)):
            item = groups.setdefault(label, Breakdown(label=label))
            item.pilots += 1
            if row.version is not None:
                item.with_plan += 1
                item.approved += row.version.status == PlanStatus.APPROVED
                item.overdue += row.overdue
                if row.progress is not None:
                    item.progress_pairs.append((1.0, row.progress))
    current = current_version_ids([p.pk for p in pilots])
    focus: dict[str, Breakdown] = {fa.name: Breakdown(label=fa.name) for fa in FocusArea.objects.all()}
    pilot_of_version = {v: p for p, v in current.items()}
    seen: set[tuple[str, int]] = set()
    for version_id, ms in _rows(current.values()).items():
        by_task: dict[int, list[MilestoneRow]] = defaultdict(list)
        for m in ms:
            by_task[m.task_id].append(m)
        for task_ms in by_task.values():
            item = focus.setdefault(task_ms[0].focus_area, Breakdown(label=task_ms[0].focus_area))
            key = (item.label, pilot_of_version[version_id])
            if key not in seen:
                seen.add(key)
                item.pilots += 1
            item.with_plan += 1  # here: tasks
            item.overdue += sum(1 for m in task_ms if m.overdue(today))
            item.progress_pairs.append((task_ms[0].task_weight, task_progress(task_ms) or 0.0))
    return NationalView(
        by_batch=list(by_batch.values()),
        by_region=list(by_region.values()),
        by_focus_area=[b for b in focus.values() if b.with_plan],
        rows=rows,
    )
