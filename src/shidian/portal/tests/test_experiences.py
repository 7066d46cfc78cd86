"""Typical experiences and search on the public portal, over the whole demo: only what is published comes out,
by theme, batch and pilot, with its text, results, photos and spread; the search is ranked, highlighted and
refuses nothing noisily; the open data follows its dictionary; a publication renews the pages and the index."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

from shidian.accounts.models import User
from shidian.core import clock
from shidian.experiences import selectors as experience_selectors
from shidian.experiences.demo import BATCH_1, BATCH_3
from shidian.experiences.models import Experience, ExperienceFile, ExperienceStatus, FileKind, PromotionBatch
from shidian.portal import opendata, selectors

pytestmark = pytest.mark.django_db

LOCMEM = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "portal": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal-experience-tests"},
}
NINGBO = "以居住证为载体推进农业转移人口市民化"  # published in the demo's first batch, adopted twice


@pytest.fixture(autouse=True)
def _world(demo_world: None) -> Iterator[None]:
    with clock.travel_to(dt.date(2019, 7, 8)):
        yield


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_published_experiences_appear_by_theme_batch_and_pilot(client: Client) -> None:
    published = list(experience_selectors.published())
    assert len(published) >= 4
    overview = page(client, reverse("portal:experiences"))
    for experience in published:
        assert experience.title in overview
        theme = page(client, reverse("portal:experience_theme", kwargs={"theme": experience.focus_area.code}))
        assert experience.title in theme and f"<h1>{experience.focus_area.name}</h1>" in theme
        batch = page(client, reverse("portal:experience_batch", kwargs={"promotion_batch_id": experience.batch_id}))
        assert experience.title in batch
        pilot = page(client, reverse("portal:pilot", kwargs={"pilot_id": experience.pilot_id}))
        assert experience.title in pilot.split('id="experiences"', 1)[1].split("</section>", 1)[0]
    assert BATCH_1 in overview and BATCH_3 not in overview  # the third batch holds nothing published yet


def test_an_experience_page_shows_its_text_results_photos_and_spread(client: Client) -> None:
    experience = Experience.objects.get(title=NINGBO)
    html = page(client, reverse("portal:experience", kwargs={"experience_id": experience.pk}))
    assert experience.body.splitlines()[0] in html
    result = experience.results.first()
    assert result is not None and result.what in html.split('data-testid="experience-results"', 1)[1]
    spread = html.split('data-testid="experience-adoptions"', 1)[1].split("</table>", 1)[0]
    adoptions = experience_selectors.adoptions_of(experience)
    assert len(adoptions) == 2 and all(a.pilot.name in spread and a.what in spread for a in adoptions)
    [photo] = experience_selectors.public_photos(experience)
    url = reverse("portal:experience_photo", kwargs={"file_id": photo.pk})
    assert f'src="{url}"' in html and f'alt="{photo.caption}"' in html
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (photo.width, photo.height) and not image.getexif()


def test_anything_unpublished_is_not_found(client: Client) -> None:
    hidden = Experience.objects.exclude(status=ExperienceStatus.PUBLISHED)
    assert set(hidden.values_list("status", flat=True)) == set(ExperienceStatus.values) - {"published"}
    for experience in hidden:
        assert client.get(reverse("portal:experience", kwargs={"experience_id": experience.pk})).status_code == 404
    selected_only = PromotionBatch.objects.get(name=BATCH_3)
    attachment = ExperienceFile.objects.create(
        experience=Experience.objects.get(title=NINGBO),
        kind=FileKind.ATTACHMENT,
        file_name="a.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        content=b"%PDF-1.4\n",
    )
    unused = {a.code for a, _n in experience_selectors.published_themes()}
    empty_theme = next(e.focus_area.code for e in hidden if e.focus_area.code not in unused)
    for url in [
        reverse("portal:experience", kwargs={"experience_id": 999999}),
        reverse("portal:experience_batch", kwargs={"promotion_batch_id": selected_only.pk}),
        reverse("portal:experience_theme", kwargs={"theme": empty_theme}),
        reverse("portal:experience_theme", kwargs={"theme": "no-such-theme"}),
        reverse("portal:experience_photo", kwargs={"file_id": attachment.pk}),  # attachments are not served
        reverse("portal:experience_photo", kwargs={"file_id": 999999}),
    ]:
        assert client.get(url).status_code == 404, url


def test_pages_take_a_bounded_number_of_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    experience = Experience.objects.get(title=NINGBO)
    for url, limit in [
        (reverse("portal:experiences"), 6),
        (reverse("portal:experience_theme", kwargs={"theme": experience.focus_area.code}), 4),
        (reverse("portal:experience_batch", kwargs={"promotion_batch_id": experience.batch_id}), 4),
        (reverse("portal:experience", kwargs={"experience_id": experience.pk}), 6),
        (reverse("portal:search") + "?q=户籍", 4),
        (reverse("portal:data_experiences_json"), 5),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


# ---- search ------------------------------------------------------------------------------------------------


def hits(client: Client, query: str) -> list[str]:
    html = page(client, reverse("portal:search") + "?" + f"q={query}")
    if 'data-testid="search-hits"' not in html:
        return []
    listing = html.split('data-testid="search-hits"', 1)[1].split("</ol>", 1)[0]
    return [chunk.split('"', 1)[0] for chunk in listing.split('<a href="')[1:]]


def test_the_public_search_finds_published_experiences_and_bulletins_ranked_and_highlighted(client: Client) -> None:
    ningbo = Experience.objects.get(title=NINGBO)
    found = hits(client, "户籍")
    assert found and found[0] == reverse("portal:experience", kwargs={"experience_id": ningbo.pk})
    html = page(client, reverse("portal:search") + "?q=户籍")
    assert "<mark>户籍</mark>" in html
    bulletin = selectors.issued_bulletins().first()
    assert bulletin is not None
    word = "通报"
    assert word in bulletin.title
    assert reverse("portal:bulletins") + f"#bulletin-{bulletin.pk}" in hits(client, word)
    # Only portal addresses: the signed-in pages of the index never reach a reader who is not signed in.
    assert all(url.startswith("/portal/") for url in hits(client, "试点"))


def test_the_public_search_never_returns_unpublished_experiences_or_reports(client: Client) -> None:
    from shidian.core.models import SearchEntry

    unpublished = Experience.objects.exclude(status=ExperienceStatus.PUBLISHED)
    assert SearchEntry.objects.filter(kind="report").exists()  # the signed-in index holds accepted reports
    for experience in unpublished:
        word = experience.title[:4]
        for url in hits(client, word):
            assert url != reverse("portal:experience", kwargs={"experience_id": experience.pk})
            assert "/reporting/" not in url and "/experiences/" not in url.removeprefix("/portal/experiences/")
    results = selectors.public_search("进展", None)
    assert {h.hit.entry.kind for h in results.hits} <= {"experience", "bulletin"}


@pytest.mark.parametrize(
    "query",
    [
        '"户籍" OR 1=1',
        "户籍 NEAR(土地",
        "户籍*",
        "' OR ''='",
        "户籍 -土地 ^ ~ {} [] ()",
        "title:户籍",
        "<script>alert(1)</script>",
        "%00户籍",
        "\\",
        "户" * 5000,
        "户籍 " * 300,
        "   ",
        "！？。、",
    ],
)
def test_operators_special_characters_and_long_queries_are_handled(client: Client, query: str) -> None:
    response = client.get(reverse("portal:search"), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    if len(query) > 100:
        assert "检索词过长" in html


def test_bad_page_numbers_are_quiet(client: Client) -> None:
    for value in ["-1", "x", "99999999999999999999", ""]:
        assert client.get(reverse("portal:search"), {"q": "户籍", "page": value}).status_code == 200


def test_the_portal_searches_the_kind_bootstrap_indexes_bulletins_under() -> None:
    from shidian.bootstrap import search_index

    assert selectors.BULLETIN_KIND == search_index.BULLETIN


# ---- open data -----------------------------------------------------------------------------------------------


def test_experiences_open_data_follows_its_dictionary(client: Client) -> None:
    keys = [c.key for c in opendata.EXPERIENCE_COLUMNS]
    raw = client.get(reverse("portal:data_experiences_csv")).content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    published = Experience.objects.filter(status=ExperienceStatus.PUBLISHED)
    assert list(rows[0]) == keys and len(rows) == published.count()
    payload = json.loads(client.get(reverse("portal:data_experiences_json")).content)
    assert [f["key"] for f in payload["fields"]] == keys and len(payload["experiences"]) == published.count()
    ningbo = next(e for e in payload["experiences"] if e["title"] == NINGBO)
    assert len(ningbo["adopted_by"]) == 2 and ningbo["results"] and ningbo["batch"] == BATCH_1
    assert {e["title"] for e in payload["experiences"]} == set(published.values_list("title", flat=True))
    dictionary = page(client, reverse("portal:data"))
    section = dictionary.split('data-testid="experience-dictionary"', 1)[1]
    assert all(f"<code>{key}</code>" in section for key in keys)


# ---- publication renews the pages and the index -----------------------------------------------------------------


@override_settings(CACHES=LOCMEM)
def test_publishing_an_experience_renews_the_pages_and_reaches_the_search(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from shidian.experiences import services
    from shidian.experiences.tests import factories as f

    caches["portal"].clear()
    selected = f.walked(ExperienceStatus.SELECTED, title="推进城乡供水一体化的缓存测试经验")
    urls = [
        reverse("portal:experiences"),
        reverse("portal:experience_theme", kwargs={"theme": selected.focus_area.code}),
        reverse("portal:pilot", kwargs={"pilot_id": selected.pilot_id}),
    ]
    for url in urls:
        assert "缓存测试经验" not in page(client, url)
        assert client.get(url)["X-Portal-Cache"] == "hit"
    assert hits(client, "供水一体化") == []
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_experience(experience=selected, by=User.objects.get(username="demo-national"))
    for url in urls:
        response = client.get(url)
        assert response["X-Portal-Cache"] == "miss" and "缓存测试经验" in response.content.decode(), url
    assert hits(client, "供水一体化") == [reverse("portal:experience", kwargs={"experience_id": selected.pk})]


def test_a_bulletin_issued_reaches_the_public_search_after_commit(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from django.db import connection

    from shidian.bootstrap import search_index
    from shidian.evaluation import services as evaluation_services
    from shidian.evaluation.models import Bulletin, Run, RunStatus

    run = Run.objects.filter(status=RunStatus.PUBLISHED).exclude(pk__in=Bulletin.objects.values("run_id")).first()
    assert run is not None  # the demo's 2017 results have no bulletin yet
    national = User.objects.get(username="demo-national")
    evaluation_services.save_bulletin(
        run=run, title="评估通报", experiences="冰雪旅游带动就业做法", problems="", by=national
    )
    pending = [c for c in connection.run_on_commit if c[1] is search_index.refresh_search_index]
    connection.run_on_commit[:] = [c for c in connection.run_on_commit if c not in pending]
    for entry in pending:  # the draft's refresh, as if committed
        entry[1]()
    assert hits(client, "冰雪旅游") == []  # a draft is not public
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        bulletin = evaluation_services.issue_bulletin(run=run, by=national)
    assert hits(client, "冰雪旅游") == []  # not before the commit
    assert search_index.refresh_search_index in waiting
    for callback in waiting:
        callback()
    assert hits(client, "冰雪旅游") == [reverse("portal:bulletins") + f"#bulletin-{bulletin.pk}"]
