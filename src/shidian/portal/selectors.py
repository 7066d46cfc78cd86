"""What the public portal shows: only published things, the same for every reader.

The portal has no signed-in user, so there is no scope to narrow by: each reader here decides, once, what is
published (docs/portal.md, "What is published"), and nothing else is read:

- the registry's public facts of every pilot (name, province, batch, level, status, admission and status dates);
- its focus areas and progress from its latest *approved* plan version only (goals, tasks, milestones done);
- the rounds of its *accepted* reports (that a report was accepted, never its text);
- grades of *published* evaluation runs; bulletins of published runs once issued (numbered);
- *published* news items;
- *published* typical experiences (experiences.selectors' public surface): text, results, photos, adoptions;
- the search index's *published* entries (published experiences, issued bulletins).
Drafts, returned or submitted versions, contacts, unpublished runs, objections, proposals and warnings not
yet decided are never read here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.core import clock, search
from shidian.core.models import SearchEntry
from shidian.evaluation.models import Bulletin, BulletinStatus, Grade, Result, RunStatus
from shidian.experiences import selectors as experience_selectors
from shidian.experiences.models import Adoption, Experience, ExperienceFile, ExperienceResult, FileKind, PromotionBatch
from shidian.experiences.services import SEARCH_KIND as EXPERIENCE_KIND
from shidian.pilots.models import Batch, PilotArea, PilotStatusChange, Programme
from shidian.plans.models import FocusArea, Goal, Milestone, MilestoneStatus, PlanStatus, PlanVersion, Task
from shidian.plans.selectors import MilestoneRow, rollup
from shidian.portal.models import NewsItem, NewsStatus
from shidian.regions.models import Province
from shidian.reporting.models import PilotReport, ReportStatus

PAGE_SIZE = 50


# ---- the registry ------------------------------------------------------------------------------------


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


# ---- a pilot's published progress -------------------------------------------------------------------


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


# ---- programme, bulletins, news ---------------------------------------------------------------------


@dataclass(frozen=True)
class Milepost:
    day: dt.date
    text: str


def programme() -> Programme | None:
    return Programme.objects.first()


def batches_with_counts() -> list[tuple[Batch, int]]:
    counts = dict(PilotArea.objects.order_by().values_list("batch_id").annotate(n=Count("pk")))
    return [(b, counts.get(b.pk, 0)) for b in Batch.objects.order_by("number")]


def status_counts() -> dict[str, int]:
    return dict(PilotArea.objects.order_by().values_list("status").annotate(n=Count("pk")))


def issued_bulletins() -> QuerySet[Bulletin]:
    """Bulletins of published runs, saved with their number and dated on or before today."""
    return (
        Bulletin.objects.filter(
            run__status=RunStatus.PUBLISHED, status=BulletinStatus.ISSUED, issued_on__lte=clock.today()
        )
        .select_related("run__scheme")
        .order_by("-run__scheme__year", "-issued_on")
    )


def get_issued_bulletin(bulletin_id: int) -> Bulletin:
    return issued_bulletins().get(pk=bulletin_id)


def published_news() -> QuerySet[NewsItem]:
    """Published news items, newest first (their pictures are not loaded here)."""
    return (
        NewsItem.objects.filter(status=NewsStatus.PUBLISHED)
        .select_related("province")
        .defer("image", "body")
        .order_by("-published_on", "-id")
    )


def get_published_news(news_id: int) -> NewsItem:
    return NewsItem.objects.filter(status=NewsStatus.PUBLISHED).select_related("province").get(pk=news_id)


def news_image(news_id: int) -> bytes | None:
    """The picture of a published item (None when it has none)."""
    row = NewsItem.objects.filter(pk=news_id, status=NewsStatus.PUBLISHED).values_list("image", flat=True).first()
    return bytes(row) if row is not None else None


# ---- the writers' side (signed in, scoped) ----------------------------------------------------------


def news_for(*, user: object) -> QuerySet[NewsItem]:
    """The news items a writer may edit: the commission's for national users, the province's for its officers."""
    from shidian.core import scoping
    from shidian.portal import permissions

    if not permissions.can_write_news(user):
        return NewsItem.objects.none()
    return scoping.restrict(NewsItem.objects.select_related("province", "created_by").defer("image"), user)


def get_news_for(*, user: object, news_id: int) -> NewsItem:
    """One news item in the writer's reach; NotFound otherwise."""
    from shidian.core import scoping
    from shidian.core.errors import NotFound
    from shidian.portal import permissions

    if not permissions.can_write_news(user):
        raise NotFound
    return scoping.get_for(NewsItem.objects.select_related("province"), user, pk=news_id)


# ---- typical experiences (published only: experiences.selectors' public surface) ---------------------


@dataclass
class ExperiencePage:
    experience: Experience
    results: list[ExperienceResult]
    photos: list[ExperienceFile]
    adoptions: list[Adoption]


def experience_page(experience_id: int) -> ExperiencePage:
    """One published experience with its results, photos and where it spread; NotFound for anything else."""
    experience = experience_selectors.get_published(experience_id)
    return ExperiencePage(
        experience=experience,
        results=list(experience.results.all()),
        photos=experience_selectors.public_photos(experience),
        adoptions=experience_selectors.adoptions_of(experience),
    )


def experiences_overview() -> tuple[list[tuple[FocusArea, int]], list[PromotionBatch]]:
    """The themes holding published experiences (with counts) and the promotion batches with theirs."""
    return experience_selectors.published_themes(), experience_selectors.promotion_batches()


def theme_experiences(code: str) -> tuple[FocusArea, list[Experience]]:
    """A theme (focus area) and its published experiences, newest first; NotFound for an unknown or empty one."""
    theme = experience_selectors.get_published_theme(code)
    return theme, list(experience_selectors.published(theme.code))


def batch_experiences(batch_id: int) -> tuple[PromotionBatch, list[Experience]]:
    """A promotion batch and its published experiences; NotFound for one without any."""
    batch = experience_selectors.get_promotion_batch(batch_id)
    return batch, list(getattr(batch, "published_experiences", []))


def pilot_experiences(pilot: PilotArea) -> list[Experience]:
    return list(experience_selectors.published_for_pilot(pilot))


def experience_photo(file_id: int) -> ExperienceFile:
    """A photo of a published experience; NotFound for an attachment, or a file of an unpublished one."""
    return experience_selectors.published_file(file_id, kind=FileKind.PHOTO)


# ---- public search (core.search over published entries only) ----------------------------------------

BULLETIN_KIND = "bulletin"  # as bootstrap.search_index indexes issued bulletins (a test holds them equal)
SEARCH_KINDS = (EXPERIENCE_KIND, BULLETIN_KIND)
SEARCH_PAGE = 20


@dataclass(frozen=True)
class PublicHit:
    hit: search.Hit
    url: str
    kind_label: str


@dataclass
class PublicResults:
    results: search.Results
    hits: list[PublicHit]
    page: int
    pages: int


def _portal_url(entry: SearchEntry) -> str:
    """Where a reader who is not signed in reads the entry (the index keeps the signed-in address)."""
    if entry.kind == EXPERIENCE_KIND:
        return reverse("portal:experience", kwargs={"experience_id": entry.object_id})
    return reverse("portal:bulletins") + f"#bulletin-{entry.object_id}"


def public_search(query: str, page_number: str | None) -> PublicResults:
    """Published experiences and issued bulletins matching every word of ``query``, ranked and highlighted.

    Report text is never public (docs/portal.md "What is published"), so reports are not searched here.
    """
    try:
        page = max(1, min(int(page_number or 1), 50))
    except ValueError:
        page = 1
    results = search.search(
        query=query, public=True, kinds=SEARCH_KINDS, limit=SEARCH_PAGE, offset=(page - 1) * SEARCH_PAGE
    )
    labels = {EXPERIENCE_KIND: _("典型经验"), BULLETIN_KIND: _("评估通报")}
    hits = [PublicHit(hit=h, url=_portal_url(h.entry), kind_label=str(labels[h.entry.kind])) for h in results.hits]
    pages = max(1, -(-results.total // SEARCH_PAGE))
    return PublicResults(results=results, hits=hits, page=min(page, pages), pages=pages)
