"""A pilot's leading group."""

from __future__ import annotations

from typing import Any

from shidian.core.errors import NotFound
from shidian.pilots.models import PilotArea
from shidian.plans import permissions
from shidian.plans.models import LeadingGroupMember


def leading_group_members(*, user: Any, pilot: PilotArea) -> list[LeadingGroupMember]:
    if not permissions.sees_pilot(user, pilot):
        raise NotFound
    return list(
        LeadingGroupMember.objects.filter(group__pilot=pilot)
        .select_related("organisation")
        .order_by("valid_until", "role", "valid_from", "id")
    )
