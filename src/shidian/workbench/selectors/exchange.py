"""Problem reports (问题反映) and notices (指导与通知): what waits for this user's side."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import formatting
from shidian.core.roles import Role
from shidian.exchange import selectors as exchange_selectors
from shidian.exchange.models import Difficulty
from shidian.workbench.selectors.items import LATE, SOON, WAITING, Item, Section, due_note


def _difficulty_item(d: Difficulty, today: dt.date, *, note: str = "", tone: str = "") -> Item:
    due, due_tone = due_note(d.due_on, today)
    return Item(
        f"{d.pilot.name} · {d.get_category_display()} · {d.title}",
        reverse("exchange:difficulty", kwargs={"difficulty_id": d.pk}),
        note=note or due,
        tone=tone or due_tone,
        testid=f"difficulty-{d.pk}",
    )


def _to_answer(user: User, today: dt.date) -> Section:
    lead = Section(
        "difficulties_to_answer",
        _("待受理和答复的问题反映"),
        link=reverse("exchange:home"),
        link_label=_("问题反映"),
        empty=_("没有分办给本单位牵头、尚待答复的问题。"),
    )
    lead.items = [_difficulty_item(d, today) for d in exchange_selectors.awaiting_answer_by(user=user)]
    return lead


def _co_handled(user: User, today: dt.date) -> Section:
    co = Section(
        "difficulties_co_handled",
        _("本单位协办的问题反映"),
        link=reverse("exchange:home"),
        link_label=_("问题反映"),
        empty=_("没有需要本单位协办的问题。"),
    )
    co.items = [_difficulty_item(d, today, tone=WAITING) for d in exchange_selectors.co_handled_by(user=user)]
    return co


def _escalated(user: User, today: dt.date) -> Section:
    escalated = Section(
        "difficulties_escalated",
        _("逾期未答复、提请督办的问题反映"),
        link=reverse("exchange:home"),
        link_label=_("问题反映"),
        empty=_("没有逾期未答复的问题。"),
    )
    for d in exchange_selectors.escalated_open(user=user):
        note = _("%(lead)s · 期限 %(due)s · %(day)s 提请督办") % {
            "lead": d.lead.name,
            "due": formatting.date(d.due_on),
            "day": formatting.date(d.escalated_on),
        }
        escalated.items.append(_difficulty_item(d, today, note=note, tone=LATE))
    return escalated


def _answered(user: User, today: dt.date) -> Section:
    answered = Section(
        "difficulties_answered",
        _("已答复、待办结评价的问题反映"),
        link=reverse("exchange:home"),
        link_label=_("问题反映"),
        empty=_("没有待办结的问题。部门答复后，请在这里办结并评价满意度。"),
    )
    for d in exchange_selectors.answered_awaiting_closing(user=user):
        note = _("%(lead)s %(day)s 答复") % {"lead": d.lead.name, "day": formatting.date(d.answered_on)}
        answered.items.append(_difficulty_item(d, today, note=note, tone=SOON))
    return answered


def _unread_notices(user: User) -> Section:
    unread = Section(
        "notices_unread",
        _("未读的指导与通知"),
        link=reverse("exchange:notices"),
        link_label=_("指导与通知"),
        empty=_("没有未读的通知。"),
    )
    for n in exchange_selectors.unread_notices(user=user).select_related("sender_organisation"):
        unread.items.append(
            Item(
                n.title,
                reverse("exchange:notice", kwargs={"notice_id": n.pk}),
                note=_("%(sender)s · %(day)s")
                % {"sender": n.sender_organisation.name, "day": formatting.date(n.sent_on)},
                tone=SOON,
                testid=f"notice-{n.pk}",
            )
        )
    return unread


def exchange_sections(user: User, today: dt.date) -> list[Section]:
    """Difficulties waiting for this user's side, and notices its pilot has not opened."""
    sections: list[Section] = []
    role = user.role
    if role in {Role.MINISTRY_REVIEWER, Role.NATIONAL_ADMIN, Role.NATIONAL_OFFICER}:
        lead = _to_answer(user, today)
        if lead.items or role == Role.MINISTRY_REVIEWER:
            sections.append(lead)
    if role == Role.MINISTRY_REVIEWER:
        sections.append(_co_handled(user, today))
    if role in {Role.NATIONAL_ADMIN, Role.NATIONAL_OFFICER}:
        sections.append(_escalated(user, today))
    if role in {Role.PILOT_OFFICER, Role.PROVINCIAL_OFFICER}:
        sections.append(_answered(user, today))
    if role == Role.PILOT_OFFICER:
        sections.append(_unread_notices(user))
    return sections
