"""Login, logout, password change. Lockout (axes) renders ``locked_out``."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
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


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    form = PasswordChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(user=user, new_password=form.cleaned_data["new_password"], by=user)
        except ValidationError as exc:
            form.add_error("new_password", exc)
        except DomainError as exc:
            form.add_error("new_password", exc.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改。"))
            return redirect("pilots:dashboard")
    return render(request, "accounts/password_change.html", {"form": form, "must_change": password_must_change(user)})
