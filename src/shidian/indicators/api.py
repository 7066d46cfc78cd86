"""The indicator system through the API: the catalogue, values in the caller's reach, and pushes."""

from typing import Any

from django.http import HttpResponse
from ninja import Field, Query, Router
from ninja.pagination import paginate
from ninja.params.functions import Header  # the plain function: ninja.Header is a generic alias for mypy

from shidian.core.http import AuthedHttpRequest
from shidian.core.pagination import Pagination
from shidian.core.schemas import InputSchema
from shidian.indicators import imports, selectors
from shidian.indicators.models import Indicator
from shidian.indicators.schemas import IndicatorOut, ValueOut, ValuePushIn, ValuePushOut

router = Router(tags=["指标"])


class ValueQuery(InputSchema):
    pilot: int | None = Field(None, ge=1, le=2**31 - 1)
    indicator: str = Field("", max_length=60)
    period: str = Field("", max_length=7)
    current_only: bool = True


@router.get("/catalogue", response=list[IndicatorOut], summary="指标目录（启用的指标）")
@paginate(Pagination)
def list_indicators(request: AuthedHttpRequest) -> list[Indicator]:
    return [indicator for category in selectors.catalogue() for indicator in category.indicators.all()]


@router.get("/values", response=list[ValueOut], summary="指标数据（按权限范围，可按地区、指标、期间筛选）")
@paginate(Pagination, ordering=("id",))
def list_values(request: AuthedHttpRequest, filters: Query[ValueQuery]) -> Any:
    return selectors.filter_values(
        user=request.user,
        pilot=filters.pilot,
        indicator=filters.indicator,
        period=filters.period,
        current_only=filters.current_only,
    )


@router.post("/values", response=ValuePushOut, summary="批量写入指标数据（全部正确才写入，幂等）")
def push_values(
    request: AuthedHttpRequest,
    response: HttpResponse,
    payload: ValuePushIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=100, pattern=r"^[^\x00]+$"),
) -> dict[str, Any]:
    user = request.user
    rows = [imports.PushRow(**row.model_dump()) for row in payload.rows]
    result = imports.push_values(rows=rows, idempotency_key=idempotency_key, by=user)
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return {
        "job_id": result.job.pk,
        "rows": result.job.total_rows,
        "written": result.job.written_rows,
        "replayed": result.replayed,
    }
