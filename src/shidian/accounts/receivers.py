"""Audit authentication events. Django and axes report them only as signals, so we listen here."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from shidian.accounts import throttle
from shidian.core import audit


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(action=audit.AuditAction.LOGIN, actor=user, obj=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(action=audit.AuditAction.LOGOUT, actor=user, obj=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    audit.record(action=audit.AuditAction.LOGIN_FAILED, success=False, username=str(credentials.get("username", "")))
    if request is not None:
        throttle.record_failure(audit.client_ip(request))


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kwargs: Any
) -> None:
    audit.record(action=audit.AuditAction.LOCKED_OUT, success=False, username=username or "", detail={"ip": ip_address})
