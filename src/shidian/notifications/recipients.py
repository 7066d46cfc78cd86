"""Who is told: the people of a pilot, a province, a ministry or the nation (for the apps' rules)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from shidian.accounts.models import User
from shidian.core.roles import Role

NATIONAL_ROLES = (Role.NATIONAL_ADMIN, Role.NATIONAL_OFFICER)


def _active() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("id")


def pilot_officers(pilot_id: int | None) -> list[User]:
    """The leading-group office's (and the pilot government's) officers of one pilot."""
    if pilot_id is None:
        return []
    return list(_active().filter(role=Role.PILOT_OFFICER, organisation__pilot_id=pilot_id))


def provincial_officers(province_id: int | None) -> list[User]:
    """The provincial commission's officers of one province."""
    if province_id is None:
        return []
    return list(_active().filter(role=Role.PROVINCIAL_OFFICER, organisation__province_id=province_id))


def ministry_reviewers(organisation_ids: Iterable[int]) -> list[User]:
    """The reviewers of the given ministries."""
    ids = list(organisation_ids)
    if not ids:
        return []
    return list(_active().filter(role=Role.MINISTRY_REVIEWER, organisation_id__in=ids))


def department_users(organisation_ids: Iterable[int]) -> list[User]:
    ids = list(organisation_ids)
    if not ids:
        return []
    return list(_active().filter(role=Role.DEPARTMENT_USER, organisation_id__in=ids))


def national_officers() -> list[User]:
    """The national commission's admins and officers."""
    return list(_active().filter(role__in=NATIONAL_ROLES))


def _grouped(users: QuerySet[User], field: str) -> dict[int, list[User]]:
    """{the id in the organisation's ``field``: its users}; users without one are left out."""
    found: dict[int, list[User]] = {}
    for user in users.select_related("organisation"):
        key = getattr(user.organisation, field) if user.organisation else None
        if key is not None:
            found.setdefault(key, []).append(user)
    return found


def pilot_officers_by_pilot(pilot_ids: Iterable[int]) -> dict[int, list[User]]:
    """{pilot id: its officers} in one query (for producers that run over many pilots)."""
    ids = set(pilot_ids)
    if not ids:
        return {}
    return _grouped(_active().filter(role=Role.PILOT_OFFICER, organisation__pilot_id__in=ids), "pilot_id")


def provincial_officers_by_province(province_ids: Iterable[int]) -> dict[int, list[User]]:
    """{province id: its commission's officers} in one query."""
    ids = set(province_ids)
    if not ids:
        return {}
    return _grouped(_active().filter(role=Role.PROVINCIAL_OFFICER, organisation__province_id__in=ids), "province_id")


def all_provincial_officers() -> list[User]:
    return list(_active().filter(role=Role.PROVINCIAL_OFFICER))


def all_ministry_reviewers() -> list[User]:
    return list(_active().filter(role=Role.MINISTRY_REVIEWER))
