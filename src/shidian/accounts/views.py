"""Login, logout, password change. Lockout (axes) renders ``locked_out``."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shidian.accounts import services
from shidian.accounts.forms import PasswordChangeForm
from shidian.accounts.middleware import password_must_change
from shidian.accounts.models import User
from shidian.core import audit
from shidian.core.errors import DomainError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The lockout page; axes calls it as ``(request, original_response, credentials)``."""
    return render(request, "accounts/locked_out.html", status=403)


CHANGE_FAILURES_SESSION_KEY = "shidian_old_password_failures"  # a session key


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    form = PasswordChangeForm(request.POST or None, user=user)
    if request.method == "POST" and "old_password" in form.errors:
        # A wrong current password counts like a failed login: a borrowed session cannot guess it.
        failures = int(request.session.get(CHANGE_FAILURES_SESSION_KEY, 0)) + 1
        request.session[CHANGE_FAILURES_SESSION_KEY] = failures
        audit.record(action=audit.AuditAction.PASSWORD_CHANGE_FAILED, actor=user, obj=user, success=False)
        if failures >= settings.AXES_FAILURE_LIMIT:
            audit.record(action=audit.AuditAction.PASSWORD_CHANGE_LOCKED, actor=user, obj=user, success=False)
            logout(request)
            messages.error(request, _("当前密码连续输入错误，已退出登录。"))
            return redirect("accounts:login")
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(user=user, new_password=form.cleaned_data["new_password"], by=user)
        except ValidationError as exc:
            form.add_error("new_password", exc)
        except DomainError as exc:
            form.add_error("new_password", exc.message)
        else:
            update_session_auth_hash(request, user)
            request.session.pop(CHANGE_FAILURES_SESSION_KEY, None)
            messages.success(request, _("密码已修改。"))
            return redirect("pilots:dashboard")
    return render(request, "accounts/password_change.html", {"form": form, "must_change": password_must_change(user)})
