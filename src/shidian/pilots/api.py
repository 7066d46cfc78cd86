"""The registry through the API: batches and the pilots the caller may see."""

from typing import Any

from ninja import Field, Query, Router
from ninja.pagination import paginate

from shidian.core.api_params import id_path
from shidian.core.http import AuthedHttpRequest
from shidian.core.pagination import Pagination
from shidian.core.schemas import InputSchema
from shidian.pilots import selectors
from shidian.pilots.models import Batch, PilotArea
from shidian.pilots.schemas import BatchOut, PilotOut

router = Router(tags=["试点名录"])


class PilotQuery(InputSchema):
    batch: int | None = Field(None, ge=1, le=99)
    province: str = Field("", max_length=2, description="省级区划代码，如 45")
    region: str = ""
    kind: str = ""
    status: str = ""
    verification: str = ""
    q: str = Field("", max_length=100)


@router.get("/batches", response=list[BatchOut], summary="试点批次")
@paginate(Pagination)
def list_batches(request: AuthedHttpRequest) -> list[Batch]:
    return selectors.batches()


@router.get("/pilots", response=list[PilotOut], summary="试点地区（按权限范围）")
@paginate(Pagination, ordering=("id",))
def list_pilots(request: AuthedHttpRequest, filters: Query[PilotQuery]) -> Any:
    return selectors.find_pilots(user=request.user, filters=selectors.PilotFilters(**filters.model_dump()))


@router.get("/pilots/{pilot_id}", response=PilotOut, summary="一个试点地区")
def get_pilot(request: AuthedHttpRequest, pilot_id: int = id_path()) -> PilotArea:
    return selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
