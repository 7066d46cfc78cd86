"""Read the evaluation for a user: schemes, runs and results (drafts only to the nation and the pilot's province)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from shidian.core import clock, scoping
from shidian.core.errors import NotFound
from shidian.core.roles import Capability, Reach
from shidian.evaluation.models import (
    Bulletin,
    BulletinStatus,
    DecisionStatus,
    EliminationProposal,
    ExpertAssignment,
    Objection,
    ObjectionStatus,
    Result,
    Run,
    RunState,
    RunStatus,
    Scheme,
    Warning,
)
from shidian.pilots import selectors as pilot_selectors
from shidian.regions.models import Province

if TYPE_CHECKING:
    from shidian.core.actors import Actor


def assigned_pilot_pairs(user: Actor) -> list[tuple[int, int]]:
    """(pilot id, province id) of every pilot assigned to expert ``user`` (core.scoping's ASSIGNED reach)."""
    expert_id = getattr(user, "pk", None)
    if not expert_id:
        return []
    return list(
        ExpertAssignment.objects.filter(expert_id=expert_id)
        .values_list("pilot_id", "pilot__province_id")
        .distinct()
        .order_by()
    )


def _require_view(user: Actor) -> None:
    scoping.require(user, Capability.VIEW_EVALUATION)


def schemes() -> list[Scheme]:
    return list(Scheme.objects.prefetch_related("dimensions").order_by("-year"))


def get_scheme(*, user: Actor, year: int) -> Scheme:
    _require_view(user)
    try:
        return Scheme.objects.prefetch_related("dimensions").get(year=year)
    except Scheme.DoesNotExist as exc:
        raise NotFound from exc


def sees_drafts(user: Actor) -> bool:
    """Draft results reach the nation and the provinces' officers (for their own pilots); nobody else."""
    scope = scoping.scope_for(user)
    return scope.reach in {Reach.NATION, Reach.PROVINCE} and scoping.can(user, Capability.VIEW_EVALUATION)


def visible_runs(*, user: Actor) -> QuerySet[Run]:
    """Published runs for everyone who may read the evaluation; drafts also for the nation and provinces."""
    if not scoping.can(user, Capability.VIEW_EVALUATION):
        return Run.objects.none()
    # Lists never show the inputs snapshot (~1 MB of JSON a run at the demo's size): get_run_for loads it.
    runs = Run.objects.select_related("scheme", "created_by", "published_by").defer("inputs")
    if not sees_drafts(user):
        return runs.filter(status=RunStatus.PUBLISHED)
    if scoping.scope_for(user).is_national:
        return runs
    # A province sees a draft only where it has pilots in it.
    own = scoping.restrict(Result.objects.filter(run=OuterRef("pk")), user)
    return runs.filter(Q(status=RunStatus.PUBLISHED) | Q(Exists(own)))


def get_run_for(*, user: Actor, run_id: int) -> Run:
    try:
        return visible_runs(user=user).defer(None).get(pk=run_id)
    except (Run.DoesNotExist, ValueError) as exc:
        raise NotFound from exc


def visible_results(*, user: Actor, run: Run) -> QuerySet[Result]:
    """A run's results the user may see: all of a published run; of a draft, the nation all, a province its own."""
    results = Result.objects.filter(run=run).select_related("pilot", "pilot__province", "pilot__batch")
    if run.status == RunStatus.PUBLISHED:
        return results if scoping.can(user, Capability.VIEW_EVALUATION) else results.none()
    if not sees_drafts(user):
        return results.none()
    return scoping.restrict(results, user)


def filter_results(
    *, user: Actor, run: Run, province: str = "", batch: int | None = None, region: str = "", grade: str = ""
) -> QuerySet[Result]:
    """A run's results ``user`` may see by province (code), batch, region and grade; a province filter that names
    no province the user reaches in this run is NotFound, like a missing one."""
    results = visible_results(user=user, run=run)
    if province:
        results = results.filter(pilot__province=_province_in_reach(user=user, run=run, code=province))
    if batch:
        results = results.filter(pilot__batch__number=batch)
    if region:
        results = results.filter(pilot__province__region=region)
    if grade:
        results = results.filter(grade=grade)
    return results


def _province_in_reach(*, user: Actor, run: Run, code: str) -> Province:
    """A published run is read nationwide, so any province is in reach; a draft's only within the user's scope."""
    if run.status != RunStatus.PUBLISHED:
        return pilot_selectors.filtered_province(user=user, code=code)
    province = Province.objects.filter(code=code).first()
    if province is None:
        raise NotFound
    return province


def get_result_for(*, user: Actor, result_id: int) -> Result:
    """One result the user may see; a hidden and a missing one are both "not found"."""
    try:
        result = Result.objects.select_related("run__scheme", "pilot__province", "pilot__batch").get(pk=result_id)
    except (Result.DoesNotExist, ValueError) as exc:
        raise NotFound from exc
    if not visible_results(user=user, run=result.run).filter(pk=result.pk).exists():
        raise NotFound
    return result


def run_dimension_rows(run: Run) -> list[tuple[int, Any]]:
    """(pilot id, breakdown) of every result of ``run``, for arithmetic over the whole run (the sensitivity).

    Not for display: the ranks a user is shown are national, so their ranges are computed over every pilot,
    and only the rows of the pilots the user may see (``visible_results``) are then shown.
    """
    return list(Result.objects.filter(run=run).order_by("pilot_id").values_list("pilot_id", "breakdown"))


def published_run(year: int) -> Run | None:
    return Run.objects.filter(scheme__year=year, status=RunStatus.PUBLISHED).select_related("scheme").first()


def previous_result(result: Result) -> Result | None:
    """The pilot's result in the published run of the year before (the score card's change from last year)."""
    return (
        Result.objects.filter(
            pilot_id=result.pilot_id, run__scheme__year=result.run.scheme.year - 1, run__status=RunStatus.PUBLISHED
        )
        .select_related("run__scheme")
        .first()
    )


def pilot_history(*, user: Actor, pilot_id: int) -> list[Result]:
    """A pilot's published results, oldest first (for its page)."""
    if not scoping.can(user, Capability.VIEW_EVALUATION):
        return []
    return list(
        Result.objects.filter(pilot_id=pilot_id, run__status=RunStatus.PUBLISHED)
        .select_related("run__scheme")
        .order_by("run__scheme__year")
    )


def pilot_decisions(*, pilot_id: int) -> tuple[list[Warning], list[EliminationProposal]]:
    return (
        list(Warning.objects.filter(pilot_id=pilot_id).select_related("decided_by").order_by("year", "id")),
        list(EliminationProposal.objects.filter(pilot_id=pilot_id).select_related("decided_by").order_by("year", "id")),
    )


def objections_of(*, user: Actor, run: Run) -> QuerySet[Objection]:
    objections = (
        Objection.objects.filter(result__run=run)
        .select_related("result__pilot", "province", "filed_by", "answered_by")
        .defer("result__breakdown")
    )
    if not sees_drafts(user):
        return objections.none()
    return scoping.restrict(objections, user)


def get_objection_for(*, user: Actor, objection_id: int) -> Objection:
    try:
        return objections_of_all(user=user).get(pk=objection_id)
    except (Objection.DoesNotExist, ValueError) as exc:
        raise NotFound from exc


def objections_of_all(*, user: Actor) -> QuerySet[Objection]:
    if not sees_drafts(user):
        return Objection.objects.none()
    return scoping.restrict(
        Objection.objects.select_related("result__pilot", "result__run__scheme", "province", "filed_by").defer(
            "result__breakdown", "result__run__inputs"
        ),
        user,
    )


def unanswered_objections(*, user: Actor) -> list[Objection]:
    if not scoping.can(user, Capability.MANAGE_EVALUATION):
        return []
    return list(objections_of_all(user=user).filter(status=ObjectionStatus.OPEN).order_by("filed_at", "id"))


def draft_runs(*, user: Actor) -> list[Run]:
    if not scoping.can(user, Capability.MANAGE_EVALUATION):
        return []
    return list(visible_runs(user=user).filter(status=RunStatus.DRAFT).order_by("-created_at"))


def province_draft_results(*, user: Actor) -> list[Result]:
    """A provincial officer's pilots' results in draft runs whose objection window is open or unset."""
    if scoping.scope_for(user).reach is not Reach.PROVINCE or not scoping.can(user, Capability.OBJECT_RESULTS):
        return []
    today = clock.today()
    results = Result.objects.filter(run__status=RunStatus.DRAFT, run__state=RunState.DONE).filter(
        Q(run__objections_until__isnull=True) | Q(run__objections_until__gte=today)
    )
    return list(
        scoping.restrict(results.select_related("run__scheme", "pilot"), user).order_by("run_id", "rank_overall")
    )


def assignments_of(*, user: Actor, closing_from: dt.date | None = None) -> list[ExpertAssignment]:
    """An expert's assignments (those whose window closes on or after ``closing_from`` if given).

    The rows and their pilots only: what each page shows of an assignment is its pilot, window and whether it
    is scored (the scores are read on the scoring page; prefetching them here cost the workbench most of its
    time, issue 16).
    """
    if user is None or not scoping.can(user, Capability.SCORE_EVALUATION):
        return []
    rows = ExpertAssignment.objects.filter(expert_id=user.pk)
    if closing_from is not None:
        rows = rows.filter(closes_on__gte=closing_from)
    return list(rows.select_related("pilot", "pilot__province").order_by("scored_at", "closes_on", "pilot__name"))


@dataclass(frozen=True)
class ExpertDesk:
    """An expert's assignments at a glance: what to score now, what opens later, and the past years folded."""

    now: list[ExpertAssignment]  # the window is open: not yet scored first, then by deadline
    upcoming: list[ExpertAssignment]  # the window opens later
    past: list[tuple[int, list[ExpertAssignment]]]  # windows closed, by year (newest first)
    past_count: int  # how many closed windows (counted only, with ``past`` empty, when the past is not read)

    @property
    def to_score(self) -> int:
        return sum(1 for a in self.now if a.scored_at is None)

    def __bool__(self) -> bool:
        return bool(self.now or self.upcoming or self.past_count)


def expert_desk(*, user: Actor, today: dt.date, with_past: bool = True) -> ExpertDesk:
    """An expert's assignments split by their scoring window on ``today`` (one query).

    ``with_past=False`` (the workbench) reads the open and coming windows only and counts the closed ones:
    an expert of many years has most of their assignments there.
    """
    now: list[ExpertAssignment] = []
    upcoming: list[ExpertAssignment] = []
    past: dict[int, list[ExpertAssignment]] = {}
    past_count = None
    if not with_past:
        past_count = (
            ExpertAssignment.objects.filter(expert_id=user.pk, closes_on__lt=today).count()
            if user is not None and scoping.can(user, Capability.SCORE_EVALUATION)
            else 0
        )
    for a in assignments_of(user=user, closing_from=None if with_past else today):
        if a.closes_on < today:
            past.setdefault(a.year, []).append(a)
        elif a.opens_on > today:
            upcoming.append(a)
        else:
            now.append(a)
    now.sort(key=lambda a: (a.scored_at is not None, a.closes_on, a.pilot.name))
    upcoming.sort(key=lambda a: (a.opens_on, a.pilot.name))
    return ExpertDesk(
        now=now,
        upcoming=upcoming,
        past=[(year, sorted(rows, key=lambda a: a.pilot.name)) for year, rows in sorted(past.items(), reverse=True)],
        past_count=sum(len(rows) for rows in past.values()) if past_count is None else past_count,
    )


def get_assignment_for(*, user: Actor, assignment_id: int) -> ExpertAssignment:
    """An expert's own assignment (anyone else's is "not found")."""
    try:
        return ExpertAssignment.objects.select_related("pilot", "pilot__province").get(
            pk=assignment_id, expert_id=getattr(user, "pk", None)
        )
    except (ExpertAssignment.DoesNotExist, ValueError) as exc:
        raise NotFound from exc


def pending_decisions(*, user: Actor) -> tuple[list[Warning], list[EliminationProposal]]:
    if not scoping.can(user, Capability.MANAGE_EVALUATION):
        return [], []
    return (
        list(Warning.objects.filter(status=DecisionStatus.PROPOSED).select_related("pilot", "pilot__province")),
        list(
            EliminationProposal.objects.filter(status=DecisionStatus.PROPOSED).select_related(
                "pilot", "pilot__province"
            )
        ),
    )


def bulletin_of(run: Run) -> Bulletin | None:
    return Bulletin.objects.filter(run=run).first()


def issued_bulletins() -> list[Bulletin]:
    """Public: the bulletins (通报) of published runs, newest year first, for the public portal (no user).

    A bulletin is public once it is issued (numbered by core.documents.numbers); drafts never appear.
    Render one with :func:`bulletin_document`.
    """
    return list(
        Bulletin.objects.filter(run__status=RunStatus.PUBLISHED, status=BulletinStatus.ISSUED)
        .select_related("run__scheme")
        .order_by("-run__scheme__year", "-id")
    )


def bulletin_document(*, bulletin: Bulletin, fmt: str = "pdf") -> tuple[bytes, str]:
    """Public: an issued bulletin as PDF (or DOCX) bytes and its file name, for the portal (no user, no audit)."""
    from shidian.evaluation import bulletin as engine
    from shidian.evaluation.services import bulletins

    if fmt not in {"pdf", "docx"}:
        raise NotFound
    run = bulletin.run
    if run.status != RunStatus.PUBLISHED:
        raise NotFound
    content = bulletins.bulletin_content(run=run)
    data = engine.pdf_bytes(content) if fmt == "pdf" else engine.docx_bytes(content)
    return data, f"{run.scheme.year}年度评估通报.{fmt}"


def indicator_categories() -> dict[str, str]:
    """{indicator code: its catalogue category's name} (the subsystems of the coupling coordination model)."""
    from shidian.indicators.models import Indicator

    return dict(Indicator.objects.values_list("code", "category__name"))


def indicator_formats() -> dict[str, tuple[str, int]]:
    """{indicator code: (value type, decimals)}: how the catalogue writes each indicator's values."""
    from shidian.indicators.models import Indicator

    return {
        code: (value_type, decimals)
        for code, value_type, decimals in Indicator.objects.values_list("code", "value_type", "decimals")
    }
