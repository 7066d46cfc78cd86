"""Organisations change names too: the 2018 State Council reorganisation, kept as dated former names."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from shidian.accounts import services
from shidian.accounts.models import Organisation, OrganisationKind, OrganisationName
from shidian.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def ministry(name: str) -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.MINISTRY, name=name)


def test_renamed_ministries_are_listed_under_todays_name() -> None:
    names = set(Organisation.objects.filter(kind=OrganisationKind.MINISTRY).values_list("name", flat=True))
    assert {"自然资源部", "农业农村部", "国家金融监督管理总局"} <= names
    assert not names & {"国土资源部", "农业部", "中国银监会", "中国银行保险监督管理委员会"}
    assert len(names) == len(services.JOINT_REVIEW_MINISTRIES)


def test_a_record_shows_the_name_in_force_at_its_date() -> None:
    land = ministry("自然资源部")
    assert land.name_on(dt.date(2017, 7, 20)) == "国土资源部"
    assert land.name_on(dt.date(2018, 4, 9)) == "国土资源部"
    assert land.name_on(dt.date(2018, 4, 10)) == "自然资源部"
    assert land.name_on(None) == "自然资源部"
    assert ministry("农业农村部").name_on(dt.date(2016, 12, 1)) == "农业部"
    banking = ministry("国家金融监督管理总局")
    assert banking.name_on(dt.date(2017, 1, 10)) == "中国银监会"
    assert banking.name_on(dt.date(2019, 7, 8)) == "中国银行保险监督管理委员会"
    assert banking.name_on(dt.date(2023, 5, 18)) == "国家金融监督管理总局"
    assert ministry("住房城乡建设部").name_on(dt.date(2017, 1, 1)) == "住房城乡建设部"
    moment = dt.datetime(2018, 4, 9, 20, 0, tzinfo=dt.UTC)  # 10 April in Asia/Shanghai: the new ministry
    assert land.name_on(moment) == "自然资源部"
    page = Template("{% load organisations %}{{ org|name_on:day }}")
    assert page.render(Context({"org": land, "day": dt.date(2017, 7, 20)})) == "国土资源部"


def test_work_addressed_to_a_former_name_reaches_the_successor() -> None:
    land = ministry("自然资源部")
    assert services.resolve_organisation(kind=OrganisationKind.MINISTRY, name="国土资源部") == land
    assert services.resolve_organisation(kind=OrganisationKind.MINISTRY, name="自然资源部") == land
    banking = services.resolve_organisation(kind=OrganisationKind.MINISTRY, name="中国银行保险监督管理委员会")
    assert banking is not None and banking.name == "国家金融监督管理总局"
    assert services.resolve_organisation(kind=OrganisationKind.MINISTRY, name="不存在的部门") is None


def test_a_unit_created_under_its_old_name_is_renamed_in_place_once() -> None:
    land = ministry("自然资源部")
    OrganisationName.objects.filter(organisation=land).delete()
    Organisation.objects.filter(pk=land.pk).update(name="国土资源部")  # as an installation from before
    services.ensure_base_organisations()
    renamed = Organisation.objects.get(pk=land.pk)
    assert renamed.name == "自然资源部"
    assert not Organisation.objects.filter(kind=OrganisationKind.MINISTRY, name="国土资源部").exists()
    assert renamed.name_on(dt.date(2017, 7, 20)) == "国土资源部"
    event = AuditEvent.objects.filter(action="accounts.organisation.renamed").latest("pk")
    assert event.changes == {"name": ["国土资源部", "自然资源部"]}
    before = OrganisationName.objects.count()
    services.ensure_base_organisations()
    assert OrganisationName.objects.count() == before
    assert AuditEvent.objects.filter(action="accounts.organisation.renamed").count() == 1
