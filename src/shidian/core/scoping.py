"""The one place that answers: which provinces and pilots may this user see, and what may it do.

Every selector and view narrows its querysets through ``restrict`` or fetches
single objects through ``get_for``; a hidden object and a missing one raise the
same ``Http404``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from shidian.core.roles import ROLE_CAPABILITIES, ROLE_REACH, Reach


class _Organisation(Protocol):
    province_id: int | None
    pilot_id: int | None


@dataclass(frozen=True)
class Scope:
    """What one user may reach. ``provinces``/``pilots`` are None where the reach is unlimited."""

    reach: Reach
    provinces: frozenset[int] | None
    pilots: frozenset[int] | None
    capabilities: frozenset[str]

    @property
    def sees_business_data(self) -> bool:
        return self.reach is not Reach.NONE

    @property
    def is_national(self) -> bool:
        return self.reach is Reach.NATION


NOTHING = Scope(reach=Reach.NONE, provinces=frozenset(), pilots=frozenset(), capabilities=frozenset())


def scope_for(user: Any) -> Scope:
    """Compute (and cache on the user object) the scope of ``user``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_shidian_scope", None)
    if isinstance(cached, Scope):
        return cached
    role = getattr(user, "role", "")
    reach = ROLE_REACH.get(role, Reach.NONE)
    org: _Organisation | None = getattr(user, "organisation", None)
    capabilities = ROLE_CAPABILITIES.get(role, frozenset())
    scope: Scope
    if reach is Reach.NATION:
        scope = Scope(reach=reach, provinces=None, pilots=None, capabilities=capabilities)
    elif reach is Reach.PROVINCE and org is not None and org.province_id is not None:
        scope = Scope(reach, frozenset({org.province_id}), None, capabilities)
    elif reach is Reach.PILOT and org is not None and org.pilot_id is not None and org.province_id is not None:
        scope = Scope(reach, frozenset({org.province_id}), frozenset({org.pilot_id}), capabilities)
    elif reach is Reach.ASSIGNED:
        # Experts see the pilots an evaluation assigns to them; until then, none.
        scope = Scope(reach, frozenset(), frozenset(), capabilities)
    else:
        scope = Scope(Reach.NONE, frozenset(), frozenset(), capabilities)
    user._shidian_scope = scope
    return scope


def can(user: Any, capability: str) -> bool:
    """Whether ``user``'s role grants ``capability``."""
    return capability in scope_for(user).capabilities


def restrict[M: models.Model](
    queryset: models.QuerySet[M],
    user: Any,
    *,
    province_field: str | None = "province",
    pilot_field: str | None = "pilot",
) -> models.QuerySet[M]:
    """Narrow ``queryset`` to the rows ``user`` may see.

    ``province_field`` and ``pilot_field`` name the lookups from the model to
    the province and to the pilot (``"pk"`` for the pilot model itself). A
    model without a pilot link (``pilot_field=None``) is hidden from pilot-level
    users unless it is reachable by province and the reach allows it.
    """
    scope = scope_for(user)
    if not scope.sees_business_data:
        return queryset.none()
    if scope.provinces is not None:
        if province_field is None or not scope.provinces:
            return queryset.none()
        queryset = queryset.filter(**{f"{province_field}__in": scope.provinces})
    if scope.pilots is not None:
        if pilot_field is None or not scope.pilots:
            return queryset.none()
        queryset = queryset.filter(**{f"{pilot_field}__in": scope.pilots})
    return queryset


def get_for[M: models.Model](
    queryset: models.QuerySet[M],
    user: Any,
    /,
    *,
    province_field: str | None = "province",
    pilot_field: str | None = "pilot",
    **lookup: Any,
) -> M:
    """Fetch one object through ``restrict``; missing and hidden both raise Http404."""
    try:
        return restrict(queryset, user, province_field=province_field, pilot_field=pilot_field).get(**lookup)
    except ObjectDoesNotExist as exc:
        _audit_denied(queryset, user, lookup)
        raise Http404 from exc
    except (ValueError, TypeError) as exc:
        raise Http404 from exc


def _audit_denied(queryset: models.QuerySet[Any], user: Any, lookup: dict[str, Any]) -> None:
    """An object that exists but is out of scope: the user sees 404, the trail sees the attempt."""
    if not getattr(user, "is_authenticated", False):
        return
    hidden = queryset.filter(**lookup).first()
    if hidden is not None:
        from shidian.core import audit

        audit.record_denied(actor=user, obj=hidden, detail={"reason": "out_of_scope"})


def require(user: Any, capability: str) -> None:
    """Raise Http404 unless ``user`` has ``capability`` (not allowed looks like not found)."""
    if not can(user, capability):
        raise Http404
