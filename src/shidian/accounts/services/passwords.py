"""One-time codes and passwords: issued by the security admin or on the server, changed by their owner."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import (
    User,
)
from shidian.accounts.services.duties import _refuse_admin_duty_through_the_web, _require_account_manager
from shidian.core import audit
from shidian.core.errors import DomainError
from shidian.core.roles import ADMIN_DUTIES


def one_time_code_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.ONE_TIME_CODE_HOURS)


def generate_one_time_code() -> str:
    """A random first password that passes the password policy: 14 characters of four classes."""
    rng = secrets.SystemRandom()
    lower, upper, digits, symbols = "abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "#%+=@"
    chars = [rng.choice(lower) for _i in range(5)]
    chars += [rng.choice(upper) for _i in range(4)]
    chars += [rng.choice(digits) for _i in range(3)]
    chars += [rng.choice(symbols) for _i in range(2)]
    rng.shuffle(chars)
    return "".join(chars)


def _issue_code(user: User) -> str:
    """Set a fresh one-time code as the password: valid for the configured hours, replaced at first login."""
    code = generate_one_time_code()
    user.set_password(code)
    user.password_changed_at = None
    user.one_time_code_expires_at = timezone.now() + one_time_code_lifetime()
    return code


def one_time_code_expired(user: User) -> bool:
    """True when the account still has an admin-issued code and its time is over."""
    expires = getattr(user, "one_time_code_expires_at", None)
    return getattr(user, "password_changed_at", None) is None and expires is not None and timezone.now() > expires


@transaction.atomic
def issue_one_time_code(*, user: User, by: User) -> str:
    """Reset a business account's password to a fresh one-time code (shown once to the security admin)."""
    _require_account_manager(by)
    if user.pk == by.pk:
        raise DomainError(_("请在“修改密码”页面修改自己的密码。"))
    locked = User.objects.select_for_update().get(pk=user.pk)
    _refuse_admin_duty_through_the_web(locked.role)
    code = _issue_code(locked)
    locked.save(update_fields=["password", "password_changed_at", "one_time_code_expires_at"])
    audit.record(action=audit.AuditAction.PASSWORD_RESET, actor=by, obj=locked)
    return code


@transaction.atomic
def reset_admin_duty_code(*, user: User) -> str:
    """On the server (``create_admin --reset``): a new one-time code for an admin-duty account."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.role not in ADMIN_DUTIES:
        raise DomainError(_("业务账号的密码由安全管理员在网页上重置。"))
    code = _issue_code(locked)
    locked.save(update_fields=["password", "password_changed_at", "one_time_code_expires_at"])
    audit.record(action=audit.AuditAction.PASSWORD_RESET, obj=locked, username="create_admin", detail={"server": True})
    return code


@transaction.atomic
def change_password(*, user: User, new_password: str, by: User) -> User:
    """Set the user's own new password (permanent; it replaces any one-time code)."""
    if by.pk != user.pk:
        raise DomainError(_("只能修改自己的密码；他人的密码由安全管理员重置为一次性密码。"))
    validate_password(new_password, user)
    if user.check_password(new_password):
        raise DomainError(_("新密码不能与当前密码相同。"))
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.one_time_code_expires_at = None
    user.save(update_fields=["password", "password_changed_at", "one_time_code_expires_at"])
    audit.record(action=audit.AuditAction.PASSWORD_CHANGED, actor=by, obj=user)
    return user
