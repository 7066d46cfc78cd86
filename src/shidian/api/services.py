"""Create, use and revoke personal access tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.api.models import ApiToken, RateWindow, TokenAccess
from shidian.core import audit
from shidian.core.errors import Conflict, DomainError

TOKEN_PREFIX = "sdt_"  # noqa: S105 (the public start of every token, not a secret)
MAX_LIFETIME_DAYS = 366  # "at most one year": a token made on 29 February still reaches the next 28 February
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    """The stored digest of ``secret`` (a random 256-bit secret needs no slow hash)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(*, user: User, name: str, access: str, expires_on: dt.date) -> tuple[ApiToken, str]:
    """Make a token for ``user`` itself; return it with the secret, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise DomainError(_("请填写令牌名称。"))
    if access not in TokenAccess.values:
        raise DomainError(_("令牌权限不正确。"))
    today = timezone.localdate()
    if expires_on <= today:
        raise DomainError(_("有效期须晚于今天。"))
    if expires_on > today + dt.timedelta(days=MAX_LIFETIME_DAYS):
        raise DomainError(_("有效期最长一年。"))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = dt.datetime.combine(expires_on, dt.time.max, tzinfo=timezone.get_current_timezone())
    token = ApiToken.objects.create(
        user=user,
        name=name[:60],
        prefix=secret[:12],
        secret_hash=secret_hash(secret),
        access=access,
        expires_at=expires_at,
    )
    audit.record(
        action=audit.AuditAction.API_TOKEN_CREATED,
        actor=user,
        obj=token,
        detail={"access": access, "expires_on": expires_on},
    )
    return token, secret


@transaction.atomic
def revoke_token(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke ``token`` at once; only its own user revokes it."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.user_id != by.pk:
        raise DomainError(_("只能吊销自己的令牌。"))
    if locked.revoked_at is not None:
        raise Conflict(_("该令牌已吊销。"))
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit.record(action=audit.AuditAction.API_TOKEN_REVOKED, actor=by, obj=locked)
    return locked


def token_for_secret(secret: str) -> ApiToken | None:
    """The usable token with this secret (with its user), or None: unknown, revoked, expired or user inactive."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("user", "user__organisation")
        .filter(secret_hash=secret_hash(secret))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def rate_limit_wait(token: ApiToken) -> int:
    """Count one request of ``token``; return 0 if within its per-minute limit, else the seconds to wait.

    One statement counts the call: an upsert on (token, minute) that returns the new count, atomic on
    SQLite (3.35 or later, for RETURNING) and PostgreSQL alike, so every thread and process of the server
    counts the same calls. The first call of a token's minute also deletes the windows that are over.
    """
    now = int(timezone.now().timestamp())
    minute = now // 60
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (token_id, minute, count) VALUES (%s, %s, 1) "  # noqa: S608 (a model's table name)
            f"ON CONFLICT (token_id, minute) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [token.pk, minute],
        )
        row = cursor.fetchone()
    count = int(row[0]) if row else 1
    if count == 1:
        RateWindow.objects.filter(minute__lt=minute).delete()
    if count <= settings.API_TOKEN_REQUESTS_PER_MINUTE:
        return 0
    return max((minute + 1) * 60 - now, 1)
