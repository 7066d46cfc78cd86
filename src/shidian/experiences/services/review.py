"""An experience's moves: submitted, recommended or returned, selected or declined, published."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import clock, text
from shidian.core.actors import SystemActor
from shidian.core.errors import DomainError, NotFound
from shidian.core.transitions import Effects, move
from shidian.experiences import permissions
from shidian.experiences.models import (
    EXPERIENCE_FLOW,
    Experience,
    ExperienceStatus,
    PromotionBatch,
)
from shidian.experiences.services.indexing import index_experience


def submit_experience(*, experience: Experience, by: User | SystemActor) -> Experience:
    """The pilot submits its experience to its province (again after a return)."""

    def guard(locked: Experience) -> None:
        if not permissions.can_propose_for(by, locked.pilot):
            raise NotFound

    def apply(locked: Experience) -> Effects:
        labels = {"summary": _("摘要"), "body": _("正文")}
        missing = [label for name, label in labels.items() if not getattr(locked, name)]
        if missing:
            raise DomainError(_("报送前请填写：%(fields)s。") % {"fields": "、".join(missing)})
        locked.submitted_on = clock.today()
        return Effects(fields=["submitted_on"])

    return move(experience, ExperienceStatus.SUBMITTED, flow=EXPERIENCE_FLOW, by=by, guard=guard, apply=apply)


def _comment(comment: str, *, required: bool) -> str:
    cleaned = text.clean(comment, multiline=True).strip()
    if required and not cleaned:
        raise DomainError(_("请填写“审核意见”。"))
    text.check_lengths(Experience, {"review_comment": cleaned})
    return cleaned


def recommend_experience(*, experience: Experience, by: User | SystemActor, comment: str = "") -> Experience:
    """The province recommends its pilot's experience to the commission."""
    cleaned = _comment(comment, required=False)

    def guard(locked: Experience) -> None:
        if not permissions.can_recommend(by, locked):
            raise NotFound

    def apply(locked: Experience) -> Effects:
        locked.recommended_on = clock.today()
        locked.review_comment = cleaned
        return Effects(fields=["recommended_on", "review_comment"], detail={"comment": cleaned})

    return move(experience, ExperienceStatus.RECOMMENDED, flow=EXPERIENCE_FLOW, by=by, guard=guard, apply=apply)


def return_experience(*, experience: Experience, by: User | SystemActor, comment: str) -> Experience:
    """The province returns the experience to its pilot, saying why."""
    cleaned = _comment(comment, required=True)

    def guard(locked: Experience) -> None:
        if not permissions.can_recommend(by, locked):
            raise NotFound

    def apply(locked: Experience) -> Effects:
        locked.review_comment = cleaned
        return Effects(fields=["review_comment"], detail={"comment": cleaned})

    return move(experience, ExperienceStatus.RETURNED, flow=EXPERIENCE_FLOW, by=by, guard=guard, apply=apply)


def _require_select(by: User | SystemActor) -> None:
    if not permissions.can_select(by):
        raise NotFound


def select_experience(*, experience: Experience, by: User | SystemActor, batch: PromotionBatch | None) -> Experience:
    """The commission selects a recommended experience into a promotion batch."""
    _require_select(by)
    if batch is None:
        raise DomainError(_("请选择“推广批次”。"))

    def apply(locked: Experience) -> Effects:
        locked.batch = batch
        locked.selected_on = clock.today()
        return Effects(fields=["batch", "selected_on"], changes={"batch": [None, batch.name]})

    return move(experience, ExperienceStatus.SELECTED, flow=EXPERIENCE_FLOW, by=by, apply=apply)


def decline_experience(*, experience: Experience, by: User | SystemActor, comment: str) -> Experience:
    """The commission declines a recommended experience, saying why."""
    _require_select(by)
    cleaned = _comment(comment, required=True)

    def apply(locked: Experience) -> Effects:
        locked.review_comment = cleaned
        return Effects(fields=["review_comment"], detail={"comment": cleaned})

    return move(experience, ExperienceStatus.DECLINED, flow=EXPERIENCE_FLOW, by=by, apply=apply)


@transaction.atomic
def publish_experience(*, experience: Experience, by: User | SystemActor) -> Experience:
    """Publish a selected experience (anything not selected is refused) and index it for search."""
    _require_select(by)

    def apply(locked: Experience) -> Effects:
        locked.published_on = clock.today()
        return Effects(fields=["published_on"])

    published = move(experience, ExperienceStatus.PUBLISHED, flow=EXPERIENCE_FLOW, by=by, apply=apply)
    index_experience(published)
    return published
