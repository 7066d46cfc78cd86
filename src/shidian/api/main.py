"""The API: one NinjaAPI that mounts each app's router under /api/v1/ with the project's auth and errors.

App routers do not know about this app (layers); authentication is set here, where they are mounted.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from shidian.api import errors
from shidian.api.auth import audit_session_auth, audit_token_auth, session_auth, token_auth
from shidian.api.schemas import ErrorBody
from shidian.core.api import router as audit_router
from shidian.evaluation.api import router as evaluation_router
from shidian.indicators.api import router as indicators_router
from shidian.pilots.api import router as pilots_router
from shidian.plans.api import router as plans_router
from shidian.regions.api import router as regions_router
from shidian.reporting.api import router as reporting_router

VERSION = "1.1.3"


class ReadableJSON(JSONRenderer):
    """UTF-8 JSON with Chinese as it is (``"未找到。"``), not the ``\\u`` escapes nobody reads in curl's output."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="试点 Shidian API",
    version=VERSION,
    description="国家新型城镇化综合试点平台的数据接口。说明与示例见 docs/api.md。",
    auth=[token_auth, session_auth],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=ReadableJSON(),
)
errors.install(api)

_ERRORS: dict[int, object] = {status: ErrorBody for status in (400, 401, 403, 404, 409, 429)}

api.add_router("/v1/registry/", pilots_router)
api.add_router("/v1/regions/", regions_router)
api.add_router("/v1/indicators/", indicators_router)
api.add_router("/v1/plans/", plans_router)
api.add_router("/v1/reporting/", reporting_router)
api.add_router("/v1/evaluation/", evaluation_router)
api.add_router("/v1/audit/", audit_router, auth=[audit_token_auth, audit_session_auth])

# Every operation documents the error body.
for _router_path, router in api._routers:
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            for status, schema in _ERRORS.items():
                operation.response_models.setdefault(status, operation._create_response_model(schema))
