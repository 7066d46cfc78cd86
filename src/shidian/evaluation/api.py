"""Evaluation results through the API, once published: the published runs and each pilot's result."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.pagination import paginate

from shidian.core.api_params import id_path
from shidian.core.errors import NotFound
from shidian.core.pagination import Pagination
from shidian.core.schemas import InputSchema
from shidian.evaluation import selectors
from shidian.evaluation.models import Result, Run, RunStatus
from shidian.evaluation.schemas import ResultDetailOut, ResultOut, RunOut

router = Router(tags=["评估"])


def _published_run(request: HttpRequest, run_id: int) -> Run:
    """A published run the caller may read; a draft reads like a missing one (results reach the API once published)."""
    run = selectors.get_run_for(user=request.user, run_id=run_id)
    if run.status != RunStatus.PUBLISHED:
        raise NotFound
    return run


class ResultQuery(InputSchema):
    province: str = Field("", max_length=2, description="省级区划代码，如 45")
    batch: int | None = Field(None, ge=1, le=99)
    region: str = Field("", max_length=20, description="东部 / 中部 / 西部 / 东北的代码")
    grade: str = Field("", max_length=10)


@router.get("/runs", response=list[RunOut], summary="已发布的评估结果（各年度）")
@paginate(Pagination, ordering=("id",))
def list_runs(request: HttpRequest) -> Any:
    return selectors.visible_runs(user=request.user).filter(status=RunStatus.PUBLISHED)


@router.get("/runs/{run_id}", response=RunOut, summary="一次已发布的评估")
def get_run(request: HttpRequest, run_id: int = id_path()) -> Run:
    return _published_run(request, run_id)


@router.get("/runs/{run_id}/results", response=list[ResultOut], summary="一次已发布评估的各试点结果")
@paginate(Pagination, ordering=("id",))
def list_results(
    request: HttpRequest,
    filters: Query[ResultQuery],
    run_id: int = id_path(),
) -> Any:
    return selectors.filter_results(user=request.user, run=_published_run(request, run_id), **filters.model_dump())


@router.get("/results/{result_id}", response=ResultDetailOut, summary="一个试点的评估结果及得分构成")
def get_result(request: HttpRequest, result_id: int = id_path()) -> Result:
    result = selectors.get_result_for(user=request.user, result_id=result_id)
    if result.run.status != RunStatus.PUBLISHED:
        raise NotFound
    return result
