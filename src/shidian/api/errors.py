"""The one place that turns failures into API responses: a status, a Chinese message and field paths."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from shidian.api.auth import RateLimited
from shidian.core.errors import Conflict, DomainError, ImportRejected, NotFound

# pydantic's error types in Chinese (its own messages are English).
_MESSAGES: dict[str, Any] = {
    "missing": gettext_lazy("必须填写。"),
    "extra_forbidden": gettext_lazy("不允许的字段。"),
    "json_invalid": gettext_lazy("不是有效的 JSON。"),
    "int_parsing": gettext_lazy("须为整数。"),
    "int_type": gettext_lazy("须为整数。"),
    "int_from_float": gettext_lazy("须为整数。"),
    "string_type": gettext_lazy("须为文本。"),
    "string_too_long": gettext_lazy("过长。"),
    "string_too_short": gettext_lazy("过短。"),
    "string_nul": gettext_lazy("不能包含空字符（NUL）。"),
    "string_pattern_mismatch": gettext_lazy("含有不允许的字符。"),
    "decimal_parsing": gettext_lazy("须为数字。"),
    "decimal_type": gettext_lazy("须为数字，并写作文本，如“12.5”。"),
    "date_parsing": gettext_lazy("须为日期（YYYY-MM-DD）。"),
    "date_from_datetime_parsing": gettext_lazy("须为日期（YYYY-MM-DD）。"),
    "bool_parsing": gettext_lazy("须为 true 或 false。"),
    "list_type": gettext_lazy("须为数组。"),
    "model_type": gettext_lazy("须为对象。"),
    "dict_type": gettext_lazy("须为对象。"),
    "too_long": gettext_lazy("条目过多。"),
    "too_short": gettext_lazy("条目过少。"),
    "greater_than_equal": gettext_lazy("数值过小。"),
    "less_than_equal": gettext_lazy("数值过大。"),
    "literal_error": gettext_lazy("取值不正确。"),
    "enum": gettext_lazy("取值不正确。"),
    "cursor_invalid": gettext_lazy("游标无效，请使用上一页答复中的 next 或 previous。"),
}


def body(message: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"message": message, "errors": errors or []}


def _field(loc: Any) -> str:
    """The documented path of a field (``body.rows.0.value``): ninja's own loc names the view's body argument
    second (``body.payload.rows.0.value``), an implementation detail the row errors do not show either."""
    parts = tuple(loc)
    if len(parts) >= 2 and parts[0] == "body":
        parts = ("body", *parts[2:])
    return ".".join(str(part) for part in parts)


def _validation_message(error: dict[str, Any]) -> str:
    if error.get("type") == "form_invalid":  # a Django form's message (core/api.py), already Chinese
        return str(error.get("msg", ""))
    text = _MESSAGES.get(str(error.get("type", "")))
    return str(text) if text else _("取值不正确。")


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api``."""

    def respond(request: HttpRequest, status: int, payload: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, payload, status=status)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [{"field": _field(e.get("loc", ())), "message": _validation_message(e)} for e in exc.errors]
        return respond(request, 400, body(_("请求数据不正确。"), errors))

    def on_auth(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 401, body(_("未登录，或令牌无效、已过期、已吊销。")))

    def on_rate(request: HttpRequest, exc: Any) -> HttpResponse:
        response = respond(request, 429, body(exc.message))
        response["Retry-After"] = str(exc.wait)
        return response

    def on_http(request: HttpRequest, exc: Any) -> HttpResponse:
        if exc.status_code == 400 and exc.message.startswith("Cannot parse request body"):
            return respond(
                request, 400, body(_("请求体不是有效的 JSON。"), [{"field": "body", "message": _("不是有效的 JSON。")}])
            )
        if exc.status_code == 403 and exc.message == "Forbidden":
            return respond(request, 403, body(_("没有权限。")))
        return respond(request, exc.status_code, body(exc.message))

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 404, body(_("未找到。")))

    def on_rejected(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [
            {"field": f"body.rows.{e.row}" + (f".{e.column}" if e.column else ""), "message": e.message}
            for e in exc.errors
        ]
        return respond(request, 400, body(_("数据有误，未写入任何数据。"), errors))

    def on_domain(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 409 if isinstance(exc, Conflict) else 400, body(exc.message))

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(RateLimited, on_rate)
    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(NotFound, on_not_found)
    api.add_exception_handler(ImportRejected, on_rejected)
    api.add_exception_handler(DomainError, on_domain)
