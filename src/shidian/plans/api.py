"""Work plans through the API: a pilot's versions, and one version's tasks and milestones."""

from typing import Any

from ninja import Path, Router

from shidian.core.http import AuthedHttpRequest
from shidian.plans import selectors
from shidian.plans.models import PlanVersion
from shidian.plans.schemas import PlanVersionDetailOut, PlanVersionOut

router = Router(tags=["工作方案"])

_ID = {"ge": 1, "le": 2**31 - 1}


@router.get("/pilots/{pilot_id}/versions", response=list[PlanVersionOut], summary="一个试点的方案版本")
def list_versions(request: AuthedHttpRequest, pilot_id: int = Path(..., **_ID)) -> list[PlanVersion]:  # type: ignore[type-arg]
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    return selectors.versions_of(pilot=pilot)


@router.get("/versions/{version_id}", response=PlanVersionDetailOut, summary="一个方案版本及其任务和节点")
def get_version(request: AuthedHttpRequest, version_id: int = Path(..., **_ID)) -> dict[str, Any]:  # type: ignore[type-arg]
    version = selectors.get_version_for(user=request.user, version_id=version_id)
    return {"version": version, "tasks": selectors.tasks_of(version=version)}
