"""Reporting through the API: rounds, pilot and province reports with their submitted versions, completeness."""

from typing import Any

from ninja import Field, Query, Router
from ninja.pagination import paginate

from shidian.core.api_params import ID_MAX, id_path
from shidian.core.http import AuthedHttpRequest
from shidian.core.pagination import Pagination
from shidian.core.schemas import InputSchema
from shidian.reporting import selectors
from shidian.reporting.models import (
    PilotReport,
    PilotReportVersion,
    ProvinceReport,
    ProvinceReportVersion,
    ReportingRound,
)
from shidian.reporting.schemas import (
    CompletenessOut,
    PilotReportOut,
    PilotReportVersionOut,
    ProvinceReportOut,
    ProvinceReportVersionOut,
    RoundOut,
)

router = Router(tags=["报告"])


class ReportQuery(InputSchema):
    round: int | None = Field(None, ge=1, le=ID_MAX)
    pilot: int | None = Field(None, ge=1, le=ID_MAX)
    status: str = Field("", max_length=10)


@router.get("/rounds", response=list[RoundOut], summary="报告轮次")
@paginate(Pagination)
def list_rounds(request: AuthedHttpRequest) -> list[ReportingRound]:
    return selectors.rounds()


@router.get("/pilot-reports", response=list[PilotReportOut], summary="试点报告状态（按权限范围）")
@paginate(Pagination, ordering=("id",))
def list_pilot_reports(request: AuthedHttpRequest, filters: Query[ReportQuery]) -> Any:
    return selectors.filter_pilot_reports(
        user=request.user,
        round_id=filters.round,
        pilot_id=filters.pilot,
        status=filters.status,
    )


@router.get("/pilot-reports/{report_id}", response=PilotReportOut, summary="一份试点报告的状态")
def get_pilot_report(request: AuthedHttpRequest, report_id: int = id_path()) -> PilotReport:
    return selectors.get_pilot_report_for(user=request.user, report_id=report_id)


@router.get(
    "/pilot-reports/{report_id}/versions", response=list[PilotReportVersionOut], summary="一份试点报告已报送的各版本"
)
@paginate(Pagination)
def list_pilot_report_versions(
    request: AuthedHttpRequest,
    report_id: int = id_path(),
) -> list[PilotReportVersion]:
    report = selectors.get_pilot_report_for(user=request.user, report_id=report_id)
    return selectors.versions_of(report)


@router.get("/pilot-report-versions/{version_id}", response=PilotReportVersionOut, summary="试点报告的一个报送版本")
def get_pilot_report_version(
    request: AuthedHttpRequest,
    version_id: int = id_path(),
) -> PilotReportVersion:
    return selectors.get_version_for(user=request.user, version_id=version_id)


class ProvinceReportQuery(InputSchema):
    round: int | None = Field(None, ge=1, le=ID_MAX)
    province: str = Field("", max_length=2, description="省级区划代码，如 45")
    status: str = Field("", max_length=12)


@router.get("/province-reports", response=list[ProvinceReportOut], summary="省级报告状态（按权限范围）")
@paginate(Pagination, ordering=("id",))
def list_province_reports(request: AuthedHttpRequest, filters: Query[ProvinceReportQuery]) -> Any:
    return selectors.filter_province_reports(
        user=request.user,
        round_id=filters.round,
        province=filters.province,
        status=filters.status,
    )


@router.get("/province-reports/{province_report_id}", response=ProvinceReportOut, summary="一份省级报告的状态")
def get_province_report(
    request: AuthedHttpRequest,
    province_report_id: int = id_path(),
) -> ProvinceReport:
    return selectors.get_province_report_for(user=request.user, report_id=province_report_id)


@router.get(
    "/province-reports/{province_report_id}/versions",
    response=list[ProvinceReportVersionOut],
    summary="一份省级报告已报送的各版本",
)
@paginate(Pagination)
def list_province_report_versions(
    request: AuthedHttpRequest,
    province_report_id: int = id_path(),
) -> list[ProvinceReportVersion]:
    report = selectors.get_province_report_for(user=request.user, report_id=province_report_id)
    return selectors.province_versions_of(report)


@router.get("/completeness", response=CompletenessOut, summary="报送完整性矩阵（与“报送情况”页相同）")
def completeness(request: AuthedHttpRequest) -> Any:
    return selectors.completeness_matrix(user=request.user)
