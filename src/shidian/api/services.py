"""Create, use and revoke personal access tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.api.models import ApiToken, TokenAccess
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

    The counter is in the shared cache (settings.API_RATE_LIMIT_CACHE), so every thread and process of the
    server counts the same calls.
    """
    cache = caches[settings.API_RATE_LIMIT_CACHE]
    now = int(timezone.now().timestamp())
    window = now // 60
    key = f"shidian:api-rate:{token.secret_hash[:32]}:{window}"
    try:
        count = cache.incr(key)
    except ValueError:  # the first call of the window (or the key expired)
        count = 1 if cache.add(key, 1, timeout=120) else cache.incr(key)
    if count <= settings.API_TOKEN_REQUESTS_PER_MINUTE:
        return 0
    return max((window + 1) * 60 - now, 1)
