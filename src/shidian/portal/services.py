"""Writes of the portal: news items (宣传稿件), drafted, edited, published and withdrawn; audited, scoped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from shidian.core import audit, clock, scoping, transitions, uploads
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, NotFound
from shidian.portal import permissions
from shidian.portal.models import NEWS_FLOW, NewsItem, NewsStatus

if TYPE_CHECKING:
    from shidian.accounts.models import User

EDITED_FIELDS = ("title", "summary", "body", "image_alt")


def _require_writer(user: User) -> None:
    if not permissions.can_write_news(user):
        raise NotFound


def _publisher(user: User) -> tuple[int | None, str]:
    """The province the item belongs to (None for the commission's) and the unit named as its publisher."""
    scope = scoping.scope_for(user)
    organisation = getattr(user, "organisation", None)
    if scope.is_national:
        return None, str(organisation) if organisation else _("国家发展改革委")
    return scoping.own_province(user), str(organisation) if organisation else ""


def _picture(item: NewsItem, image: bytes | None, by: User) -> list[str]:
    """Put the re-encoded picture on ``item``; a refused picture is audited and nothing is written."""
    if image is None:
        return []
    try:
        picture = uploads.reencode_image(
            image,
            max_bytes=settings.NEWS_IMAGE_MAX_BYTES,
            max_pixels=settings.NEWS_IMAGE_MAX_PIXELS,
            max_side=settings.NEWS_IMAGE_MAX_SIDE,
        )
    except DomainError as exc:
        audit.record_refusal(
            action=AuditAction.NEWS_IMAGE_REFUSED,
            actor=by,
            obj=item if item.pk else None,
            detail={"bytes": len(image), "message": exc.message},
        )
        raise
    item.image, item.image_width, item.image_height = picture.content, picture.width, picture.height
    return ["image", "image_width", "image_height"]


def _check(title: str, summary: str, body: str, image_alt: str, has_image: bool) -> None:
    if not title.strip() or not summary.strip() or not body.strip():
        raise DomainError(_("标题、摘要和正文都必须填写。"))
    if has_image and not image_alt.strip():
        raise DomainError(_("有图片时须填写图片说明（供读屏软件朗读）。"))


@transaction.atomic
def create_news(
    *, title: str, summary: str, body: str, image: bytes | None = None, image_alt: str = "", by: User
) -> NewsItem:
    """Draft a news item of the writer's unit (the commission's, or the writer's province's)."""
    _require_writer(by)
    _check(title, summary, body, image_alt, image is not None)
    province_id, publisher = _publisher(by)
    item = NewsItem(
        title=title.strip(),
        summary=summary.strip(),
        body=body.strip(),
        image_alt=image_alt.strip(),
        province_id=province_id,
        publisher=publisher,
        created_by=by,
    )
    _picture(item, image, by)
    item.save()
    audit.record(
        action=AuditAction.NEWS_CREATED,
        actor=by,
        obj=item,
        detail={"province": province_id, "image": item.image is not None},
    )
    return item


@transaction.atomic
def update_news(
    *,
    item: NewsItem,
    title: str,
    summary: str,
    body: str,
    image_alt: str,
    image: bytes | None = None,
    remove_image: bool = False,
    by: User,
) -> NewsItem:
    """Edit a news item in the writer's reach (a published one changes on the portal at once)."""
    _require_writer(by)
    locked = scoping.get_for(NewsItem.objects.select_for_update(), by, pk=item.pk)
    keeps_image = image is not None or (locked.image is not None and not remove_image)
    _check(title, summary, body, image_alt, keeps_image)
    before = audit.snapshot(locked, EDITED_FIELDS)
    locked.title, locked.summary, locked.body = title.strip(), summary.strip(), body.strip()
    locked.image_alt = image_alt.strip()
    fields = [*EDITED_FIELDS]
    if remove_image and image is None and locked.image is not None:
        locked.image, locked.image_width, locked.image_height = None, None, None
        fields += ["image", "image_width", "image_height"]
    fields += _picture(locked, image, by)
    changes = audit.diff(before, audit.snapshot(locked, EDITED_FIELDS))
    if not changes and len(fields) == len(EDITED_FIELDS):
        return locked  # saved unchanged: write and record nothing
    locked.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    audit.record(
        action=AuditAction.NEWS_UPDATED,
        actor=by,
        obj=locked,
        changes=changes,
        detail={"image": "image" in fields, "status": locked.status},
    )
    return locked


def publish_news(*, item: NewsItem, by: User) -> NewsItem:
    """Publish a draft on the portal, dated with the business date."""
    _require_writer(by)

    def guard(locked: NewsItem) -> None:
        if not scoping.sees(by, locked):
            raise NotFound

    def apply(locked: NewsItem) -> transitions.Effects:
        locked.published_on = clock.today()
        return transitions.Effects(fields=["published_on"], detail={"published_on": locked.published_on})

    return transitions.move(item, NewsStatus.PUBLISHED, flow=NEWS_FLOW, by=by, guard=guard, apply=apply)


def withdraw_news(*, item: NewsItem, by: User) -> NewsItem:
    """Take a published item off the portal (back to draft)."""
    _require_writer(by)

    def guard(locked: NewsItem) -> None:
        if not scoping.sees(by, locked):
            raise NotFound

    def apply(locked: NewsItem) -> transitions.Effects:
        locked.published_on = None
        return transitions.Effects(fields=["published_on"])

    return transitions.move(item, NewsStatus.DRAFT, flow=NEWS_FLOW, by=by, guard=guard, apply=apply)
