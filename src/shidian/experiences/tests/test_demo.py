"""The demo's experiences: every state, two promoted batches with adoptions, the workbenches, search over it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shidian.core import search
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import NotFound
from shidian.core.models import AuditEvent, SearchEntry
from shidian.experiences import selectors
from shidian.experiences.demo import BATCH_1, BATCH_2
from shidian.experiences.models import Adoption, Experience, ExperienceStatus
from shidian.workbench.selectors import workbench_for

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


def test_a_dozen_demo_experiences_in_every_state_across_focus_areas(demo_world: None) -> None:
    rows = Experience.objects.filter(is_demo=True)
    assert rows.count() >= 12
    assert set(rows.values_list("status", flat=True)) == set(ExperienceStatus.values)
    assert rows.values("focus_area").distinct().count() >= 10
    [event] = AuditEvent.objects.filter(action=AuditAction.EXPERIENCES_DEMO_LOADED)
    assert event.detail["experiences"] == rows.count()


def test_two_promoted_batches_with_published_experiences_and_adoptions(demo_world: None) -> None:
    batches = selectors.promotion_batches()
    assert [b.name for b in batches] == [BATCH_1, BATCH_2]
    assert all(e.is_published for b in batches for e in b.published_experiences)  # type: ignore[attr-defined]
    assert Adoption.objects.filter(is_demo=True).count() >= 3
    assert all(selectors.public_photos(e) for e in selectors.published())  # each shows a photo on the portal
    spread = {e.title: len(selectors.adoptions_of(e)) for e in selectors.published()}
    assert spread["以居住证为载体推进农业转移人口市民化"] == 2


def test_the_public_surface_never_returns_unpublished_experiences(demo_world: None) -> None:
    published = list(selectors.published())
    assert published and all(e.status == ExperienceStatus.PUBLISHED for e in published)
    assert [e.focus_area.code for e in selectors.published(theme="urban_rural")] == ["urban_rural"]
    liuzhou = Experience.objects.filter(pilot__name="柳州市").first().pilot  # type: ignore[union-attr]
    assert {e.status for e in selectors.published_for_pilot(liuzhou)} == {ExperienceStatus.PUBLISHED}
    hidden = Experience.objects.exclude(status=ExperienceStatus.PUBLISHED).first()
    with pytest.raises(NotFound):
        selectors.get_published(hidden.pk)  # type: ignore[union-attr]


def test_search_over_the_demo_finds_the_programme_terms_in_rank_order(demo_world: None) -> None:
    def titles(query: str) -> list[str]:
        return [h.entry.title for h in search.search(query=query, public=True, kinds=["experience"]).hits]

    assert titles("户籍")[0] == "以居住证为载体推进农业转移人口市民化"
    assert titles("增减挂钩") == ["城乡建设用地增减挂钩助推县城建设"]
    land = titles("土地")
    assert land[0] == "农村宅基地制度改革与土地综合整治" and "城乡建设用地增减挂钩助推县城建设" in land
    # Only published experiences are in the index.
    indexed = set(SearchEntry.objects.filter(kind="experience").values_list("object_id", flat=True))
    assert indexed == set(selectors.published().values_list("pk", flat=True))


def test_accepted_reports_are_searchable_within_scope_only(demo_world: None, client_as: ClientAs) -> None:
    from shidian.accounts.models import User

    reports = SearchEntry.objects.filter(kind="report")
    assert reports.exists() and not reports.filter(is_published=True).exists()
    word = "试点"
    province = User.objects.get(username="demo-province")
    found = search.search(query=word, user=province, kinds=["report"], limit=1000)
    assert found.total and {h.entry.province_id for h in found.hits} == {province.organisation.province_id}  # type: ignore[union-attr]
    assert search.search(query=word, public=True, kinds=["report"]).total == 0
    ministry = User.objects.get(username="demo-ministry")  # reads copies, not pilot reports
    assert search.search(query=word, user=ministry, kinds=["report"]).total == 0


@pytest.mark.parametrize(
    ("username", "section", "expected"),
    [
        ("demo-province", "experiences_to_recommend", "扩权强镇培育新生中小城市"),
        ("demo-national", "experiences_to_select", "多元化城镇化投融资机制"),
        ("demo-national", "experiences_to_publish", "市县“多规合一”一张蓝图管到底"),
        ("demo-pilot", "experiences_returned", "农业转移人口市民化成本分担机制"),
    ],
)
def test_waiting_experiences_are_on_the_reviewers_workbenches(
    demo_world: None, client_as: ClientAs, username: str, section: str, expected: str
) -> None:
    from shidian.accounts.models import User

    bench = workbench_for(user=User.objects.get(username=username))
    [found] = [s for s in bench.sections if s.key == section]
    assert any(expected in item.title for item in found.items), [i.title for i in found.items]
    html = client_as(username).get(reverse("workbench:home")).content.decode()
    assert expected in html


def test_every_role_opens_the_experience_pages(demo_world: None, client_as: ClientAs) -> None:
    published = selectors.published().first()
    assert published is not None
    pages: list[tuple[str, dict[str, Any]]] = [
        (reverse("experiences:home"), {}),
        (reverse("experiences:batches"), {}),
        (reverse("experiences:detail", kwargs={"experience_id": published.pk}), {}),
        (reverse("search:home"), {"q": "户籍 改革"}),
    ]
    for username in ("demo-national", "demo-province", "demo-pilot", "demo-ministry", "demo-department"):
        client = client_as(username)
        for url, params in pages:
            assert client.get(url, params).status_code == 200, (username, url)
