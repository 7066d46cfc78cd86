"""How the API knows who calls: a personal access token (Bearer) or the browser's session with CSRF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from shidian.accounts.models import User
from shidian.api import services
from shidian.core import audit, scoping

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RateLimited(HttpError):
    def __init__(self, wait: int) -> None:
        super().__init__(429, _("请求过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": wait})
        self.wait = wait


def _refuse_admin_duties(user: User) -> None:
    """The API serves business data: the admin duties (no business reach) are refused, as on the pages."""
    if not scoping.scope_for(user).sees_business_data:
        raise HttpError(403, _("安全审计员、安全管理员和系统管理员账号不能使用数据接口。"))


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sdt_…``: the call acts exactly as the token's user."""

    openapi_description = "个人访问令牌（在“接口令牌”页面创建）"

    def __init__(self, *, business: bool = True) -> None:
        super().__init__()
        self.business = business  # False for the audit trail, which only the auditor (no business reach) reads

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = services.token_for_secret(token)
        if found is None:
            return None
        wait = services.rate_limit_wait(found)
        if wait:
            raise RateLimited(wait)
        if request.method not in SAFE_METHODS and not found.can_write:
            raise HttpError(403, _("该令牌只读，不能写入。"))
        if self.business:
            _refuse_admin_duties(found.user)
        request.user = found.user
        audit.act_through_token(str(found))
        return found


class BrowserSession(SessionAuth):
    """The signed-in browser (the interactive docs); writes need the CSRF token."""

    def __init__(self, *, business: bool = True) -> None:
        super().__init__(csrf=True)
        self.business = business

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            if self.business:
                _refuse_admin_duties(user)
            return user
        return None


token_auth = TokenAuth()
session_auth = BrowserSession()
# The audit trail is read by the security auditor, who has no business reach; its endpoint checks READ_AUDIT.
audit_token_auth = TokenAuth(business=False)
audit_session_auth = BrowserSession(business=False)
