"""Work plans through the API: a pilot's versions, one version's tasks and milestones, and milestone progress."""

from typing import Any

from django.db.models import prefetch_related_objects
from ninja import Router
from ninja.pagination import paginate

from shidian.core.api_params import id_path
from shidian.core.http import AuthedHttpRequest
from shidian.core.pagination import Pagination
from shidian.plans import selectors, services
from shidian.plans.models import Milestone, PlanVersion
from shidian.plans.schemas import MilestoneDetailOut, MilestoneProgressIn, PlanVersionDetailOut, PlanVersionOut

router = Router(tags=["工作方案"])


@router.get("/pilots/{pilot_id}/versions", response=list[PlanVersionOut], summary="一个试点的方案版本")
@paginate(Pagination)
def list_versions(request: AuthedHttpRequest, pilot_id: int = id_path()) -> list[PlanVersion]:
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    versions = selectors.versions_of(pilot=pilot)
    prefetch_related_objects(versions, "plan")  # each version names its pilot
    return versions


@router.get("/versions/{plan_version_id}", response=PlanVersionDetailOut, summary="一个方案版本及其任务和节点")
def get_version(request: AuthedHttpRequest, plan_version_id: int = id_path()) -> dict[str, Any]:
    version = selectors.get_version_for(user=request.user, version_id=plan_version_id)
    return {"version": version, "tasks": selectors.tasks_of(version=version)}


@router.get("/milestones/mine", response=list[MilestoneDetailOut], summary="本单位牵头的节点（现行方案）")
@paginate(Pagination)
def list_my_milestones(request: AuthedHttpRequest) -> list[Milestone]:
    milestones = selectors.my_milestones(user=request.user)
    prefetch_related_objects(milestones, "depends_on", "task__version__plan")  # what the schema shows, in bulk
    return milestones


@router.get("/milestones/{milestone_id}", response=MilestoneDetailOut, summary="一个节点")
def get_milestone(request: AuthedHttpRequest, milestone_id: int = id_path()) -> Milestone:
    return selectors.get_milestone_for(user=request.user, milestone_id=milestone_id)


@router.put("/milestones/{milestone_id}/progress", response=MilestoneDetailOut, summary="牵头单位更新节点进度")
def update_progress(
    request: AuthedHttpRequest,
    payload: MilestoneProgressIn,
    milestone_id: int = id_path(),
) -> Milestone:
    milestone = selectors.get_milestone_for(user=request.user, milestone_id=milestone_id)
    return services.update_milestone_progress(milestone=milestone, by=request.user, **payload.model_dump())
