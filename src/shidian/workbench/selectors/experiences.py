"""Typical experiences (典型经验): what waits for this user in their workflow."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.roles import Capability, Reach
from shidian.experiences import selectors as experience_selectors
from shidian.experiences.models import Experience
from shidian.workbench.selectors.items import LATE, SOON, WAITING, Item, Section, waiting_note


def experience_sections(user: User, today: dt.date) -> list[Section]:
    """Experiences waiting for this user: returned to the pilot, to recommend (province), to select or publish."""
    link, label = reverse("experiences:home"), _("典型经验")
    reach = scoping.scope_for(user).reach
    sections: list[Section] = []

    def item(experience: Experience, since: dt.date | None, tone: str, prefix: str) -> Item:
        return Item(
            f"{experience.pilot.name}《{experience.title}》",
            reverse("experiences:detail", kwargs={"experience_id": experience.pk}),
            note=waiting_note(since, today) if since else "",
            tone=tone,
            comment=experience.review_comment if tone == LATE else "",
            testid=f"{prefix}-{experience.pk}",
        )

    if reach is Reach.PILOT and scoping.can(user, Capability.PROPOSE_EXPERIENCES):
        returned = Section(
            "experiences_returned",
            _("退回修改的典型经验"),
            link=link,
            link_label=label,
            empty=_("没有退回修改的典型经验。"),
        )
        returned.items = [
            item(e, None, LATE, "experience-returned") for e in experience_selectors.returned_to_pilot(user=user)
        ]
        sections.append(returned)
    if reach is Reach.PROVINCE and scoping.can(user, Capability.RECOMMEND_EXPERIENCES):
        waiting = Section(
            "experiences_to_recommend",
            _("待推荐的典型经验"),
            link=link + "?status=submitted",
            link_label=label,
            empty=_("没有待推荐的典型经验。试点报送后会立即出现在这里。"),
        )
        waiting.items = [
            item(e, e.submitted_on, WAITING, "experience-recommend")
            for e in experience_selectors.awaiting_recommendation(user=user)
        ]
        sections.append(waiting)
    if scoping.can(user, Capability.SELECT_EXPERIENCES):
        to_select = Section(
            "experiences_to_select",
            _("待遴选的典型经验"),
            link=link + "?status=recommended",
            link_label=label,
            empty=_("没有待遴选的典型经验。各省推荐后会立即出现在这里。"),
        )
        to_select.items = [
            item(e, e.recommended_on, WAITING, "experience-select")
            for e in experience_selectors.awaiting_selection(user=user)
        ]
        to_publish = Section(
            "experiences_to_publish",
            _("已入选待发布的典型经验"),
            link=link + "?status=selected",
            link_label=label,
            empty=_("没有待发布的典型经验。"),
        )
        to_publish.items = [
            item(e, e.selected_on, SOON, "experience-publish")
            for e in experience_selectors.awaiting_publication(user=user)
        ]
        sections += [to_select, to_publish]
    return sections
