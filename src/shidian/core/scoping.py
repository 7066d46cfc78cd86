"""The one place that answers: which provinces and pilots may this user see, and what may it do.

Every selector and view narrows its querysets through ``restrict``, fetches
single objects through ``get_for`` and asks about one object with ``sees``; a
hidden object and a missing one raise the same ``NotFound`` (shown as 404).
Each scoped model declares its path to the province and the pilot once, as
``scope_path = ScopePath(...)``; all three read it from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from shidian.core.actors import SystemActor
from shidian.core.errors import NotFound
from shidian.core.roles import ROLE_CAPABILITIES, ROLE_REACH, Capability, Reach

if TYPE_CHECKING:
    from shidian.core.actors import Actor


class _Organisation(Protocol):
    province_id: int | None
    pilot_id: int | None


@dataclass(frozen=True)
class ScopePath:
    """Lookups from a model to its province and its pilot (``"pk"`` for the model itself, None for no link)."""

    province: str | None
    pilot: str | None


class Scoped(Protocol):
    scope_path: ClassVar[ScopePath]


def path_of(model: type[models.Model]) -> ScopePath:
    """The declared scope path of ``model``; a model without one cannot be scoped by accident."""
    path = getattr(model, "scope_path", None)
    if not isinstance(path, ScopePath):
        raise TypeError(f"{model._meta.label} declares no scope_path")
    return path


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
# The platform's own jobs reach everything and may do everything (SystemActor is never built from a request).
SYSTEM = Scope(reach=Reach.NATION, provinces=None, pilots=None, capabilities=frozenset(Capability.values))


# The pilots assigned to an expert, as (pilot id, province id) pairs. The evaluation app registers the provider
# at start-up (core must not import it); without one, an expert reaches nothing.
AssignedPilots = Callable[[Any], Iterable[tuple[int, int]]]
_assigned_provider: AssignedPilots | None = None


def register_assigned_reach(provider: AssignedPilots | None) -> None:
    """Let the app that assigns pilots to experts say which ones they are (``Reach.ASSIGNED``)."""
    global _assigned_provider
    _assigned_provider = provider


def scope_for(user: Actor) -> Scope:
    """Compute (and cache on the user object) the scope of ``user``; nobody (None) reaches nothing."""
    if isinstance(user, SystemActor):
        return SYSTEM
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
        pairs = list(_assigned_provider(user)) if _assigned_provider is not None else []
        scope = Scope(
            reach, frozenset(province for _pilot, province in pairs), frozenset(p for p, _prov in pairs), capabilities
        )
    else:
        scope = Scope(Reach.NONE, frozenset(), frozenset(), capabilities)
    setattr(user, "_shidian_scope", scope)  # noqa: B010 (a per-request cache on whichever user object)
    return scope


def own_province(user: Actor) -> int | None:
    """The province ``user``'s reach is bound to (the lowest where several); None when nationwide or none."""
    provinces = scope_for(user).provinces
    return min(provinces) if provinces else None


def own_pilot(user: Actor) -> int | None:
    """The pilot ``user``'s reach is bound to (the lowest id where it spans several); None when unbounded or none."""
    pilots = scope_for(user).pilots
    return min(pilots) if pilots else None


def can(user: Actor, capability: str) -> bool:
    """Whether ``user``'s role grants ``capability``."""
    return capability in scope_for(user).capabilities


_DECLARED: Any = object()


def restrict[M: models.Model](
    queryset: models.QuerySet[M],
    user: Actor,
    *,
    province_field: str | None = _DECLARED,
    pilot_field: str | None = _DECLARED,
) -> models.QuerySet[M]:
    """Narrow ``queryset`` to the rows ``user`` may see.

    The lookups to the province and the pilot are the model's ``scope_path`` unless given (a query
    over a related model). A model without a pilot link is hidden from pilot-level users, one
    without a province link from everybody below the nation.
    """
    if province_field is _DECLARED or pilot_field is _DECLARED:
        declared = path_of(queryset.model)
        province_field = declared.province if province_field is _DECLARED else province_field
        pilot_field = declared.pilot if pilot_field is _DECLARED else pilot_field
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


def get_for[M: models.Model](queryset: models.QuerySet[M], user: Actor, /, **lookup: Any) -> M:
    """Fetch one object through ``restrict``; missing and hidden both raise NotFound."""
    try:
        return restrict(queryset, user).get(**lookup)
    except ObjectDoesNotExist as exc:
        audit_hidden(queryset, user, lookup)
        raise NotFound from exc
    except (ValueError, TypeError) as exc:
        raise NotFound from exc


def filter_target[M: models.Model](queryset: models.QuerySet[M], user: Actor, /, **lookup: Any) -> M:
    """The object a list's filter names (``?pilot=12``, ``?province=45``); missing and out of reach both raise NotFound.

    A filter answers like a detail, so it cannot tell what exists elsewhere. Reach is the object's own:
    a province or a pilot of the user's province, the user's own pilot; a pilot office reaches its own
    province as a filter value (it may narrow the registry by it) though it sees none of the province's records.
    """
    try:
        target = queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound from exc
    if not _in_reach(user, target, pilotless_by_province=True):
        if getattr(user, "is_authenticated", False):
            from shidian.core import audit

            audit.record_denied(actor=user, obj=target, detail={"reason": "out_of_scope"})
        raise NotFound
    return target


def _follow(obj: Any, lookup: str) -> int | None:
    """The id at the end of ``lookup`` ("task__version__plan__pilot") starting from ``obj``."""
    *hops, last = lookup.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
        if obj is None:
            return None
    if last == "pk":
        return int(obj.pk) if obj.pk is not None else None
    value = getattr(obj, f"{last}_id", _DECLARED)
    if value is _DECLARED:
        value = getattr(obj, last)
        value = value.pk if isinstance(value, models.Model) else value
    return int(value) if value is not None else None


def sees(user: Actor, obj: models.Model, *, level: Reach | None = None) -> bool:
    """Whether ``obj`` lies within ``user``'s reach (the object form of ``restrict``).

    With ``level``, only a user of exactly that reach counts: the province's own officers review
    its pilots (``Reach.PROVINCE``); only the pilot's own office keeps its plan (``Reach.PILOT``).
    """
    return _in_reach(user, obj, level=level)


def _in_reach(
    user: Actor, obj: models.Model, *, level: Reach | None = None, pilotless_by_province: bool = False
) -> bool:
    """``sees``; with ``pilotless_by_province`` (a filter value), a model without a pilot link is judged by its
    province alone, so a pilot office reaches its own province."""
    scope = scope_for(user)
    if not scope.sees_business_data or (level is not None and scope.reach is not level):
        return False
    path = path_of(type(obj))
    if scope.provinces is not None and (path.province is None or _follow(obj, path.province) not in scope.provinces):
        return False
    if scope.pilots is None:
        return True
    if path.pilot is None:
        return pilotless_by_province
    return _follow(obj, path.pilot) in scope.pilots


def audit_hidden(queryset: models.QuerySet[Any], user: Actor, lookup: dict[str, Any]) -> None:
    """An object of ``queryset`` that exists but is out of the user's reach: the user sees 404, the trail sees
    the attempt. ``get_for`` calls it; a selector whose queryset is narrower than scope (the items routed to a
    ministry) calls it with the model's whole queryset."""
    if not getattr(user, "is_authenticated", False):
        return
    try:
        hidden = queryset.filter(**lookup).first()
    except (ValueError, TypeError):
        return
    if hidden is not None:
        from shidian.core import audit

        audit.record_denied(actor=user, obj=hidden, detail={"reason": "out_of_scope"})


def require(user: Actor, capability: str) -> None:
    """Raise NotFound unless ``user`` has ``capability`` (not allowed looks like not found)."""
    if not can(user, capability):
        raise NotFound
