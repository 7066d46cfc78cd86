"""News items: the published ones for every reader, the drafts for their writers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from shidian.portal.models import NewsItem, NewsStatus

if TYPE_CHECKING:
    from shidian.core.actors import Actor


def published_news() -> QuerySet[NewsItem]:
    """Published news items, newest first (their pictures are not loaded here)."""
    return (
        NewsItem.objects.filter(status=NewsStatus.PUBLISHED)
        .select_related("province")
        .defer("image", "body")
        .order_by("-published_on", "-id")
    )


def get_published_news(news_id: int) -> NewsItem:
    return NewsItem.objects.filter(status=NewsStatus.PUBLISHED).select_related("province").get(pk=news_id)


def news_image(news_id: int) -> bytes | None:
    """The picture of a published item (None when it has none)."""
    row = NewsItem.objects.filter(pk=news_id, status=NewsStatus.PUBLISHED).values_list("image", flat=True).first()
    return bytes(row) if row is not None else None


def news_for(*, user: Actor) -> QuerySet[NewsItem]:
    """The news items a writer may edit: the commission's for national users, the province's for its officers."""
    from shidian.core import scoping
    from shidian.portal import permissions

    if not permissions.can_write_news(user):
        return NewsItem.objects.none()
    return scoping.restrict(NewsItem.objects.select_related("province", "created_by").defer("image"), user)


def get_news_for(*, user: Actor, news_id: int) -> NewsItem:
    """One news item in the writer's reach; NotFound otherwise."""
    from shidian.core import scoping
    from shidian.core.errors import NotFound
    from shidian.portal import permissions

    if not permissions.can_write_news(user):
        raise NotFound
    return scoping.get_for(NewsItem.objects.select_related("province"), user, pk=news_id)
