"""Builders for exchange tests: the demo's pilots and accounts, ministry reviewers, a raised difficulty."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shidian.accounts import services as account_services
from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import clock
from shidian.core.actors import system
from shidian.core.roles import Role
from shidian.exchange import services
from shidian.exchange.models import Category, Difficulty
from shidian.pilots.models import PilotArea

PDF = b"%PDF-1.4\n%%EOF\n"


def user(username: str) -> User:
    return User.objects.get(username=username)


def liuzhou() -> PilotArea:
    return PilotArea.objects.get(province__name="广西壮族自治区", name="柳州市")


def laibin() -> PilotArea:
    return PilotArea.objects.get(province__name="广西壮族自治区", name="来宾市")


def beijing() -> PilotArea:
    return PilotArea.objects.get(province__name="北京市", name="顺义区")


def ministry(name: str) -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.MINISTRY, name=name)


def reviewer(name: str = "自然资源部", username: str = "demo-natres") -> User:
    """A ministry reviewer of ``name`` (created once; 自然资源部's is the demo's own account)."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return account_services.create_user(
        username=username,
        password="Exchange#Tests2026x",
        role=Role.MINISTRY_REVIEWER,
        organisation=ministry(name),
        full_name=f"{name}审阅人",
        by=system("tests"),
        password_is_temporary=False,
    )


def pilot_officer_for(pilot: PilotArea, username: str) -> User:
    """An active pilot officer of ``pilot`` (the demo has one only for 柳州市)."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    office = account_services.ensure_pilot_organisations(pilot=pilot)
    return account_services.create_user(
        username=username,
        password="Exchange#Tests2026x",
        role=Role.PILOT_OFFICER,
        organisation=office,
        by=system("tests"),
        password_is_temporary=False,
    )


def raised(
    *,
    category: str = Category.LAND,
    pilot: PilotArea | None = None,
    by: Any = None,
    on: dt.date = dt.date(2019, 7, 8),
    **kwargs: Any,
) -> Difficulty:
    services.ensure_routing()
    with clock.travel_to(on):
        return services.raise_difficulty(
            pilot=pilot or liuzhou(),
            category=category,
            title=kwargs.pop("title", "用地指标不足"),
            description=kwargs.pop("description", "新增建设用地计划指标不足。"),
            by=by or user("demo-pilot"),
            **kwargs,
        )


def exchange_objects(pilot: PilotArea) -> dict[str, Any]:
    """A difficulty of ``pilot`` with a file, and a notice sent to it alone (for the URL walks)."""
    officer = pilot_officer_for(pilot, f"walk-officer-{pilot.pk}")
    item = raised(pilot=pilot, by=officer, files=[services.Upload("a.pdf", PDF)])
    with clock.travel_to(dt.date(2019, 7, 8)):
        notice = services.send_notice(
            title="x",
            body="x",
            audience="chosen",
            pilots=[pilot],
            files=[services.Upload("n.pdf", PDF)],
            as_document=True,
            by=user("demo-national"),
        )
    return {
        "difficulty_id": item.pk,
        "file_id": item.files.get().pk,
        "notice_id": notice.pk,
        "category": "land",
    }
