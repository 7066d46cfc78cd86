"""The public registry: the pilots listed, filtered and paged, the province tiles, one pilot's public page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from shidian.evaluation.models import Grade, Result, RunStatus
from shidian.pilots.models import PilotArea, PilotStatusChange
from shidian.plans.models import FocusArea, Goal, Milestone, MilestoneStatus, PlanStatus, PlanVersion, Task
from shidian.plans.selectors import MilestoneRow, rollup
from shidian.regions.models import Province
from shidian.reporting.models import PilotReport, ReportStatus

PAGE_SIZE = 50


def public_pilots() -> QuerySet[PilotArea]:
    """Every pilot of the registry with the facts the portal shows."""
    return PilotArea.objects.select_related("batch", "province").order_by("batch__number", "province__code", "name")


def approved_version_ids(pilot_ids: list[int] | None = None) -> dict[int, int]:
    """{pilot id: id of its latest approved plan version} (pilots without one are absent)."""
    versions = PlanVersion.objects.filter(status=PlanStatus.APPROVED)
    if pilot_ids is not None:
        versions = versions.filter(plan__pilot_id__in=pilot_ids)
    latest: dict[int, tuple[int, int]] = {}
    for pilot_id, version_id, number in versions.values_list("plan__pilot_id", "id", "number"):
        if pilot_id not in latest or number > latest[pilot_id][0]:
            latest[pilot_id] = (number, version_id)
    return {pilot_id: version_id for pilot_id, (_n, version_id) in latest.items()}


def focus_areas_by_pilot(pilot_ids: list[int] | None = None) -> dict[int, list[FocusArea]]:
    """The focus areas of the tasks of each pilot's approved plan, in the programme's order (two queries)."""
    versions = approved_version_ids(pilot_ids)
    pilot_of = {version_id: pilot_id for pilot_id, version_id in versions.items()}
    areas = {a.pk: a for a in FocusArea.objects.all()}
    found: dict[int, set[int]] = defaultdict(set)
    rows = Task.objects.filter(version_id__in=list(pilot_of)).values_list("version_id", "focus_area_id").distinct()
    for version_id, area_id in rows:
        found[pilot_of[version_id]].add(area_id)
    return {
        pilot_id: sorted((areas[a] for a in ids), key=lambda a: (a.position, a.pk)) for pilot_id, ids in found.items()
    }


def focus_areas_in_use() -> list[FocusArea]:
    """The focus areas some approved plan works on (the list page's filter)."""
    versions = list(approved_version_ids().values())
    used = Task.objects.filter(version_id__in=versions).values("focus_area_id")
    return list(FocusArea.objects.filter(pk__in=used).order_by("position", "pk"))


@dataclass(frozen=True)
class PublicFilters:
    batch: int | None = None
    province: str = ""
    kind: str = ""
    status: str = ""
    focus: str = ""
    q: str = ""


@dataclass(frozen=True)
class PilotRow:
    pilot: PilotArea
    focus_areas: list[FocusArea]


def filter_public_pilots(filters: PublicFilters) -> QuerySet[PilotArea]:
    pilots = public_pilots()
    if filters.batch:
        pilots = pilots.filter(batch__number=filters.batch)
    if filters.province:
        pilots = pilots.filter(province__code=filters.province)
    if filters.kind:
        pilots = pilots.filter(kind=filters.kind)
    if filters.status:
        pilots = pilots.filter(status=filters.status)
    if filters.focus:
        versions = list(approved_version_ids().values())
        with_focus = Task.objects.filter(version_id__in=versions, focus_area__code=filters.focus)
        pilots = pilots.filter(pk__in=with_focus.values("version__plan__pilot_id"))
    if filters.q:
        pilots = pilots.filter(Q(name__icontains=filters.q) | Q(province__name__icontains=filters.q))
    return pilots


def pilot_page_rows(filters: PublicFilters, page_number: str | None) -> tuple[Page[PilotArea], list[PilotRow]]:
    """One page of the filtered registry with each pilot's focus areas."""
    page = Paginator(filter_public_pilots(filters), PAGE_SIZE).get_page(page_number)
    pilots = list(page.object_list)
    focus = focus_areas_by_pilot([p.pk for p in pilots])
    return page, [PilotRow(pilot=p, focus_areas=focus.get(p.pk, [])) for p in pilots]


def registry_rows() -> list[PilotRow]:
    """The whole published registry (open data)."""
    pilots = list(public_pilots().select_related("division"))
    focus = focus_areas_by_pilot()
    return [PilotRow(pilot=p, focus_areas=focus.get(p.pk, [])) for p in pilots]


@dataclass(frozen=True)
class Tile:
    province: Province
    count: int

    @property
    def position(self) -> str:
        return f"r{self.province.grid_row} c{self.province.grid_col}"


def province_tiles() -> list[Tile]:
    """One tile per province-level unit with its number of pilots (the tile grid: no boundaries drawn)."""
    counts = dict(PilotArea.objects.order_by().values_list("province_id").annotate(n=Count("pk")))
    return [Tile(province=p, count=counts.get(p.pk, 0)) for p in Province.objects.order_by("code")]


def get_public_pilot(pilot_id: int) -> PilotArea:
    """One pilot (DoesNotExist for an unknown id: shown as 404)."""
    return public_pilots().get(pk=pilot_id)


@dataclass(frozen=True)
class TaskFacts:
    title: str
    focus_area: str
    deadline: dt.date
    milestones: int
    done: int


@dataclass(frozen=True)
class PublishedGrade:
    year: int
    grade: str


@dataclass
class PilotPage:
    pilot: PilotArea
    focus_areas: list[FocusArea]
    version: PlanVersion | None
    goals: list[Goal] = field(default_factory=list)
    tasks: list[TaskFacts] = field(default_factory=list)
    progress: float | None = None
    accepted_reports: list[PilotReport] = field(default_factory=list)
    grades: list[PublishedGrade] = field(default_factory=list)
    history: list[PilotStatusChange] = field(default_factory=list)


def pilot_page(pilot: PilotArea) -> PilotPage:
    """The published facts of one pilot (a bounded number of queries whatever the plan's size)."""
    version_id = approved_version_ids([pilot.pk]).get(pilot.pk)
    version = PlanVersion.objects.filter(pk=version_id).first() if version_id else None
    page = PilotPage(pilot=pilot, focus_areas=focus_areas_by_pilot([pilot.pk]).get(pilot.pk, []), version=version)
    if version is not None:
        page.goals = list(version.goals.order_by("position", "pk"))
        milestones: dict[int, list[MilestoneRow]] = defaultdict(list)
        for m in Milestone.objects.filter(task__version=version).select_related("task__focus_area"):
            milestones[m.task_id].append(
                MilestoneRow(
                    m.task_id,
                    m.task.weight,
                    m.task.focus_area.name,
                    m.duration_days,
                    m.progress_percent,
                    m.status,
                    m.planned_finish,
                    m.finished_on,
                )
            )
        for task in version.tasks.select_related("focus_area").order_by("position", "pk"):
            rows = milestones.get(task.pk, [])
            done = sum(1 for r in rows if r.status == MilestoneStatus.DONE)
            page.tasks.append(TaskFacts(task.title, task.focus_area.name, task.deadline, len(rows), done))
        page.progress = rollup([r for rows in milestones.values() for r in rows])
    page.accepted_reports = list(
        PilotReport.objects.filter(pilot=pilot, status=ReportStatus.ACCEPTED)
        .select_related("round")
        .order_by("round__year", "round__kind")
    )
    page.grades = [
        PublishedGrade(year=year, grade=str(Grade(grade).label))
        for year, grade in Result.objects.filter(pilot=pilot, run__status=RunStatus.PUBLISHED)
        .order_by("run__scheme__year")
        .values_list("run__scheme__year", "grade")
    ]
    page.history = list(pilot.status_changes.order_by("effective_on", "id"))
    return page
