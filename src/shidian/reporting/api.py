"""Reporting through the API: the rounds and the status of the pilot reports the caller may see."""

from typing import Any

from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import CursorPagination, paginate

from shidian.core.http import AuthedHttpRequest
from shidian.reporting import selectors
from shidian.reporting.models import PilotReport, ReportingRound
from shidian.reporting.schemas import PilotReportOut, RoundOut

router = Router(tags=["报告"])


class ReportQuery(Schema):
    round: int | None = Field(None, ge=1, le=2**31 - 1)
    pilot: int | None = Field(None, ge=1, le=2**31 - 1)
    status: str = Field("", max_length=10)


@router.get("/rounds", response=list[RoundOut], summary="报告轮次")
def list_rounds(request: AuthedHttpRequest) -> list[ReportingRound]:
    return selectors.rounds()


@router.get("/pilot-reports", response=list[PilotReportOut], summary="试点报告状态（按权限范围）")
@paginate(CursorPagination, ordering=("id",))
def list_pilot_reports(request: AuthedHttpRequest, filters: Query[ReportQuery]) -> Any:
    return selectors.filter_pilot_reports(
        selectors.visible_pilot_reports(user=request.user),
        round_id=filters.round,
        pilot_id=filters.pilot,
        status=filters.status,
    )


@router.get("/pilot-reports/{report_id}", response=PilotReportOut, summary="一份试点报告的状态")
def get_pilot_report(request: AuthedHttpRequest, report_id: int = Path(..., ge=1, le=2**31 - 1)) -> PilotReport:  # type: ignore[type-arg]
    return selectors.get_pilot_report_for(user=request.user, report_id=report_id)
