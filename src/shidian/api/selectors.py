"""Reads of personal access tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from shidian.accounts.models import User
from shidian.api.models import ApiToken
from shidian.core import scoping
from shidian.core.errors import NotFound
from shidian.core.roles import Capability


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first."""
    return ApiToken.objects.filter(user=user)


def get_own_token(*, user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens; anybody else's is "not found"."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound
    return token


def can_list_all_tokens(user: User) -> bool:
    """The security auditor reads every token (never its secret)."""
    return scoping.can(user, Capability.READ_AUDIT)


def all_tokens(*, user: User) -> QuerySet[ApiToken]:
    """Every token with its user, for the auditor."""
    if not can_list_all_tokens(user):
        raise NotFound
    return ApiToken.objects.select_related("user", "user__organisation")
