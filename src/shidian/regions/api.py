"""Provinces and divisions through the API (public reference facts)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from shidian.core.pagination import Pagination
from shidian.core.schemas import InputSchema
from shidian.regions import selectors
from shidian.regions.models import Division, Province
from shidian.regions.schemas import DivisionOut, ProvinceOut

router = Router(tags=["区划"])


class DivisionFilters(InputSchema):
    province: str = ""
    level: str = ""
    include_retired: bool = False


@router.get("/provinces", response=list[ProvinceOut], summary="省级单位")
@paginate(Pagination)
def list_provinces(request: HttpRequest) -> list[Province]:
    return selectors.provinces()


@router.get("/divisions", response=list[DivisionOut], summary="行政区划")
@paginate(Pagination, ordering=("id",))
def list_divisions(request: HttpRequest, filters: Query[DivisionFilters]) -> Any:
    queryset: Any = selectors.divisions(
        province=filters.province, level=filters.level, current_only=not filters.include_retired
    )
    return queryset


__all__ = ["Division", "router"]
