"""A pilot's leading group: appoint and end memberships."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, User
from shidian.core import audit
from shidian.core import text as core_text
from shidian.core.errors import DomainError
from shidian.pilots.models import PilotArea
from shidian.plans import permissions
from shidian.plans.models import LeadingGroup, LeadingGroupMember
from shidian.plans.services.rules import check_department


@transaction.atomic
def appoint_member(
    *,
    pilot: PilotArea,
    role: str,
    valid_from: dt.date,
    by: User,
    person_name: str = "",
    title: str = "",
    organisation: Organisation | None = None,
    is_demo: bool = False,
) -> LeadingGroupMember:
    """Add a seat to the pilot's leading group; a new 组长 ends the current one's term (history kept)."""
    if not permissions.can_edit_plan(by, pilot):
        raise DomainError(_("只有本试点的工作人员可以维护领导小组。"))
    person_name, title = core_text.clean(person_name).strip(), core_text.clean(title).strip()
    core_text.check_lengths(LeadingGroupMember, {"person_name": person_name, "title": title})
    if not person_name.strip() and organisation is None:
        raise DomainError(_("请填写姓名或选择成员单位。"))
    if organisation is not None:
        check_department(pilot, organisation, label=_("成员单位"))
    group, _created = LeadingGroup.objects.get_or_create(
        pilot=pilot,
        defaults={
            "name": _("%(pilot)s新型城镇化综合试点工作领导小组") % {"pilot": pilot.name},
            "office_name": _("领导小组办公室"),
            "established_on": valid_from,
            "is_demo": is_demo,
        },
    )
    if role in ("leader", "office_head"):
        for current in group.members.select_for_update().filter(role=role, valid_until__isnull=True):
            current.valid_until = max(current.valid_from, valid_from - dt.timedelta(days=1))
            current.save(update_fields=["valid_until"])
            audit.record(
                action=audit.AuditAction.GROUP_MEMBER_ENDED,
                actor=by,
                obj=current,
                detail={"until": current.valid_until},
            )
    member = LeadingGroupMember.objects.create(
        group=group,
        role=role,
        person_name=person_name.strip(),
        title=title.strip(),
        organisation=organisation,
        valid_from=valid_from,
    )
    audit.record(action=audit.AuditAction.GROUP_MEMBER_APPOINTED, actor=by, obj=member, detail={"role": role})
    return member


@transaction.atomic
def end_membership(*, member: LeadingGroupMember, valid_until: dt.date, by: User) -> LeadingGroupMember:
    locked = LeadingGroupMember.objects.select_for_update().select_related("group__pilot").get(pk=member.pk)
    if not permissions.can_edit_plan(by, locked.group.pilot):
        raise DomainError(_("只有本试点的工作人员可以维护领导小组。"))
    if locked.valid_until is not None:
        raise DomainError(_("该成员的任期已经结束。"))
    if valid_until < locked.valid_from:
        raise DomainError(_("终止日期不能早于起始日期。"))
    locked.valid_until = valid_until
    locked.save(update_fields=["valid_until"])
    audit.record(action=audit.AuditAction.GROUP_MEMBER_ENDED, actor=by, obj=locked, detail={"until": valid_until})
    return locked
