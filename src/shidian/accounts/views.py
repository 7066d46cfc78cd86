"""Login, logout, password change. Lockout (axes) renders ``locked_out``."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shidian.accounts import permissions, selectors, services, throttle
from shidian.accounts.forms import PasswordChangeForm
from shidian.accounts.middleware import password_must_change
from shidian.accounts.models import AccountChangeStatus, User
from shidian.core import audit
from shidian.core.errors import DomainError
from shidian.core.roles import Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Past the per-address limit, answer "wait" without checking the password (docs/security.md)."""
        wait = throttle.wait_seconds(audit.client_ip(request))
        if wait:
            audit.record(
                action=audit.AuditAction.LOGIN_THROTTLED,
                success=False,
                username=str(request.POST.get("username", "")),
                detail={"wait_seconds": wait},
            )
            # An unbound form: the password is not even checked, so the wait gives a guesser no answer.
            context = self.get_context_data(form=self.get_form_class()(request))
            context["throttle_message"] = _("此网络地址登录失败次数过多，请 %(seconds)d 秒后再试。账号未被锁定。") % {
                "seconds": wait
            }
            context["throttled_username"] = str(request.POST.get("username", ""))
            response = render(request, self.template_name, context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)


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
            return redirect("workbench:home")
    return render(request, "accounts/password_change.html", {"form": form, "must_change": password_must_change(user)})


@login_required
def account_changes(request: HttpRequest) -> HttpResponse:
    """The approvers' queue and history; the auditor reads every change."""
    user = cast(User, request.user)
    if not permissions.can_read_account_changes(user):
        raise Http404
    changes = selectors.account_changes_for(user)
    context = {
        "pending": list(changes.filter(status=AccountChangeStatus.PENDING)),
        "decided": list(changes.exclude(status=AccountChangeStatus.PENDING)[:200]),
        "can_decide": user.role != Role.AUDITOR,
    }
    return render(request, "accounts/changes.html", context)


@require_POST
@login_required
def approve_change(request: HttpRequest, change_id: int) -> HttpResponse:
    user = cast(User, request.user)
    change = selectors.get_account_change_for(user, change_id)
    try:
        services.approve_account_change(change=change, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已批准账号 %(username)s 的变更。") % {"username": change.user.username})
    return redirect("accounts:changes")


@require_POST
@login_required
def reject_change(request: HttpRequest, change_id: int) -> HttpResponse:
    user = cast(User, request.user)
    change = selectors.get_account_change_for(user, change_id)
    try:
        services.reject_account_change(change=change, by=user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已驳回账号 %(username)s 的变更。") % {"username": change.user.username})
    return redirect("accounts:changes")
