"""News items: drafted, edited, published, withdrawn through the flow; scoped to the writer's unit; audited."""

from __future__ import annotations

import datetime as dt

import pytest

from shidian.accounts.models import User
from shidian.core import audit, clock
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, NotFound
from shidian.core.models import AuditEvent
from shidian.core.transitions import MoveRefused
from shidian.portal import selectors, services
from shidian.portal.demo import demo_picture
from shidian.portal.models import NewsItem, NewsStatus

pytestmark = pytest.mark.django_db


def _user(name: str) -> User:
    return User.objects.select_related("organisation").get(username=name)


def _draft(by: User, **fields: object) -> NewsItem:
    values: dict[str, object] = {"title": "标题", "summary": "摘要", "body": "正文第一段。\n\n第二段。"}
    values.update(fields)
    return services.create_news(**values, by=by)  # type: ignore[arg-type]


def _actions(item: NewsItem) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="portal.NewsItem", object_id=str(item.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_provincial_item_is_drafted_published_and_withdrawn() -> None:
    officer = _user("demo-province")
    item = _draft(officer, image=demo_picture(1), image_alt="图")
    assert item.status == NewsStatus.DRAFT and item.province is not None and item.province.name == "广西壮族自治区"
    assert item.image is not None and bytes(item.image).startswith(b"\xff\xd8")  # re-encoded as JPEG
    with clock.travel_to(dt.date(2018, 5, 4)):
        published = services.publish_news(item=item, by=officer)
    assert published.status == NewsStatus.PUBLISHED and published.published_on == dt.date(2018, 5, 4)
    assert list(selectors.published_news()) == [published]
    withdrawn = services.withdraw_news(item=published, by=officer)
    assert withdrawn.status == NewsStatus.DRAFT and withdrawn.published_on is None
    assert list(selectors.published_news()) == []
    assert _actions(item) == [AuditAction.NEWS_CREATED, AuditAction.NEWS_PUBLISHED, AuditAction.NEWS_WITHDRAWN]


def test_publishing_twice_is_refused_and_the_refusal_audited() -> None:
    national = _user("demo-national")
    item = services.publish_news(item=_draft(national), by=national)
    assert item.province is None and "国家发展改革委" in item.publisher
    with pytest.raises(MoveRefused):
        services.publish_news(item=item, by=national)
    audit.flush_refusals(force=True)
    assert AuditEvent.objects.filter(action=AuditAction.MOVE_REFUSED, object_id=str(item.pk)).exists()


def test_an_edit_is_audited_and_an_unchanged_save_writes_nothing() -> None:
    officer = _user("demo-province")
    item = _draft(officer)
    body = "正文第一段。\n\n第二段。"
    services.update_news(item=item, title="标题", summary="摘要", body=body, image_alt="", by=officer)
    assert _actions(item) == [AuditAction.NEWS_CREATED]
    services.update_news(item=item, title="新标题", summary="摘要", body=body, image_alt="", by=officer)
    event = AuditEvent.objects.filter(action=AuditAction.NEWS_UPDATED, object_id=str(item.pk)).get()
    assert event.changes == {"title": ["标题", "新标题"]}


def test_pilots_departments_and_experts_cannot_write_news() -> None:
    for name in ["demo-pilot", "demo-department", "demo-expert", "demo-ministry", "demo-sysadmin"]:
        with pytest.raises(NotFound):
            _draft(_user(name))
        assert not selectors.news_for(user=_user(name)).exists()


def test_a_province_reaches_neither_the_commissions_nor_another_provinces_items() -> None:
    national_item = _draft(_user("demo-national"))
    officer = _user("demo-province")
    with pytest.raises(NotFound):
        services.publish_news(item=national_item, by=officer)
    with pytest.raises(NotFound):
        selectors.get_news_for(user=officer, news_id=national_item.pk)
    assert NewsItem.objects.get(pk=national_item.pk).status == NewsStatus.DRAFT


def test_a_refused_picture_writes_nothing_and_is_audited() -> None:
    officer = _user("demo-province")
    before = NewsItem.objects.count()
    with pytest.raises(DomainError, match="只接受"):
        _draft(officer, image=b"not a picture", image_alt="x")
    audit.flush_refusals(force=True)
    assert NewsItem.objects.count() == before
    assert AuditEvent.objects.filter(action=AuditAction.NEWS_IMAGE_REFUSED, success=False).exists()


def test_a_picture_needs_its_description_and_a_text_its_parts() -> None:
    officer = _user("demo-province")
    with pytest.raises(DomainError, match="图片说明"):
        _draft(officer, image=demo_picture(2))
    with pytest.raises(DomainError, match="必须填写"):
        _draft(officer, body="  ")


def test_the_demo_news_is_deterministic_and_marked() -> None:
    from shidian.portal.demo import NEWS, load_demo_news

    assert demo_picture(5) == demo_picture(5)
    with clock.travel_to(dt.date(2019, 7, 8)):
        assert load_demo_news() == {"news": len(NEWS)}
        assert load_demo_news() == {"news": len(NEWS)}
    assert AuditEvent.objects.filter(action=AuditAction.PORTAL_DEMO_LOADED).count() == 1
    assert NewsItem.objects.filter(is_demo=True, status=NewsStatus.DRAFT).count() == 1
    assert all(item.image is not None for item in NewsItem.objects.filter(is_demo=True))
