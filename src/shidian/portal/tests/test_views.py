"""The public portal over the whole demo: every page answers without sign-in, shows only what is published,
is cached and renewed on publication, and the open data agrees with its dictionary."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from shidian.accounts.models import User
from shidian.core import clock
from shidian.pilots.models import PilotArea
from shidian.portal import opendata, services
from shidian.portal.demo import demo_picture
from shidian.portal.models import NewsItem, NewsStatus

pytestmark = pytest.mark.django_db

LOCMEM = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "portal": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal-tests"},
}


@pytest.fixture(autouse=True)
def _world(demo_world: None) -> Iterator[None]:
    with clock.travel_to(dt.date(2019, 7, 8)):
        yield


def liuzhou() -> PilotArea:
    return PilotArea.objects.get(name="柳州市")


def portal_urls() -> list[str]:
    """Every public page and file of the portal, with the demo's objects in them."""
    from shidian.portal import selectors

    news = NewsItem.objects.filter(status=NewsStatus.PUBLISHED, image__isnull=False).order_by("pk").first()
    bulletin = selectors.issued_bulletins().first()
    assert news is not None and bulletin is not None, "the demo publishes news and a bulletin"
    pilot = liuzhou()
    return [
        reverse("portal:home"),
        reverse("portal:pilots"),
        reverse("portal:pilots") + "?page=2",
        reverse("portal:pilots") + f"?province={pilot.province.code}&focus=urban_rural",
        reverse("portal:pilot", kwargs={"pilot_id": pilot.pk}),
        reverse("portal:bulletins"),
        reverse("portal:bulletin_download", kwargs={"bulletin_id": bulletin.pk}),
        reverse("portal:news"),
        reverse("portal:news_item", kwargs={"news_id": news.pk}),
        reverse("portal:news_image", kwargs={"news_id": news.pk}),
        reverse("portal:data"),
        reverse("portal:data_pilots_csv"),
        reverse("portal:data_pilots_json"),
    ]


def text_of(response: Any) -> str:
    """What a reader gets: the page, or the text inside a DOCX download."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return re.sub(r"<[^>]+>", "", archive.read("word/document.xml").decode())
    return content.decode("utf-8", errors="replace")


def test_every_page_answers_a_reader_who_is_not_signed_in(client: Client) -> None:
    for url in portal_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            page = response.content.decode()
            assert "csrfmiddlewaretoken" not in page and "X-CSRFToken" not in page, url  # one page for all
            assert re.search(r"<title>[^<]+ · ", page), url
            assert re.search(r'<meta name="description" content="[^"]{10,}">', page), url
            assert '<main class="container" id="main"' in page and 'href="#main"' in page, url
            assert "<script" not in page, url  # readable without JavaScript: there is none


def test_the_pilot_list_filters_by_public_fields(client: Client) -> None:
    pilot = liuzhou()
    page = client.get(reverse("portal:pilots"), {"province": pilot.province.code, "batch": str(pilot.batch.number)})
    assert "柳州市" in page.content.decode()
    other = client.get(reverse("portal:pilots"), {"province": "11"}).content.decode()
    assert "柳州市" not in other and "顺义区" in other
    from shidian.regions.models import Province

    assert page.content.decode().count('<li class="tile ') == Province.objects.count()


@pytest.mark.parametrize(
    "query",
    [{"batch": "x"}, {"province": "<script>"}, {"focus": "' OR 1=1"}, {"q": "户" * 500}, {"page": "-1"}],
)
def test_bad_filters_are_refused_quietly(client: Client, query: dict[str, str]) -> None:
    response = client.get(reverse("portal:pilots"), query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>", 1)[1]


def test_unknown_and_unpublished_objects_are_not_found(client: Client) -> None:
    draft = NewsItem.objects.filter(is_demo=True, status=NewsStatus.DRAFT).get()
    for url in [
        reverse("portal:pilot", kwargs={"pilot_id": 999999}),
        reverse("portal:news_item", kwargs={"news_id": draft.pk}),
        reverse("portal:news_image", kwargs={"news_id": draft.pk}),
        reverse("portal:bulletin_download", kwargs={"bulletin_id": 999999}),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("portal:home")).status_code == 405


def test_the_language_switch_stays_on_the_portal(client: Client) -> None:
    response = client.get(reverse("portal:language"), {"lang": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert response.cookies["django_language"].value == "en"
    back = client.get(reverse("portal:language"), {"lang": "xx", "next": "/portal/pilots/"})
    assert back["Location"] == "/portal/pilots/" and back.cookies.get("django_language") is None


def test_dates_on_news_and_experience_pages_follow_the_readers_language(client: Client) -> None:
    from shidian.experiences.models import Experience, ExperienceStatus

    news = NewsItem.objects.filter(status=NewsStatus.PUBLISHED).order_by("-published_on", "-id").first()
    experience = Experience.objects.filter(status=ExperienceStatus.PUBLISHED).first()
    assert news is not None and news.published_on and experience is not None and experience.published_on
    pages = {
        reverse("portal:news"): news.published_on,
        reverse("portal:news_item", kwargs={"news_id": news.pk}): news.published_on,
        reverse("portal:experience", kwargs={"experience_id": experience.pk}): experience.published_on,
        reverse("portal:experience_theme", kwargs={"theme": experience.focus_area.code}): experience.published_on,
    }
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
    months += ["November", "December"]
    for url, day in pages.items():
        chinese = client.get(url).content.decode()
        assert f"{day.year}年{day.month}月{day.day}日" in chinese, url
        assert f">{day.day} {months[day.month - 1]} {day.year}<" not in chinese, url
    client.cookies["django_language"] = "en"
    for url, day in pages.items():
        english = client.get(url).content.decode()
        assert '<html lang="en">' in english, url
        assert f'datetime="{day.isoformat()}">{day.day} {months[day.month - 1]} {day.year}</time>' in english, url
        assert f"{day.year}年{day.month}月{day.day}日" not in english, url


def test_open_data_follows_its_dictionary(client: Client) -> None:
    keys = [c.key for c in opendata.REGISTRY_COLUMNS]
    raw = client.get(reverse("portal:data_pilots_csv")).content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == keys
    assert len(rows) - 1 == PilotArea.objects.count()
    payload = json.loads(client.get(reverse("portal:data_pilots_json")).content)
    assert [f["key"] for f in payload["fields"]] == keys and len(payload["pilots"]) == PilotArea.objects.count()
    by_name = {p["name"]: p for p in payload["pilots"] if p["province"] == "广西壮族自治区"}
    assert by_name["柳州市"]["focus_areas"]  # its approved plan's focus areas
    dictionary = client.get(reverse("portal:data")).content.decode()
    assert all(f"<code>{key}</code>" in dictionary for key in keys)


def test_a_cell_that_reads_like_a_formula_stays_text() -> None:
    assert opendata._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert opendata._cell(["a", "b"]) == "a；b"


def test_pages_take_a_bounded_number_of_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    for url, limit in [
        (reverse("portal:home"), 8),
        (reverse("portal:pilots"), 12),
        (reverse("portal:pilot", kwargs={"pilot_id": liuzhou().pk}), 14),
        (reverse("portal:news"), 4),
        (reverse("portal:data_pilots_json"), 6),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


# ---- only published content ------------------------------------------------------------------------------

SECRET = "未发布标记"


def unpublished_things() -> dict[str, Any]:
    """One of each thing the portal must never show, each carrying SECRET, around 柳州市."""
    from shidian.contacts.models import ContactEntry
    from shidian.evaluation.models import Bulletin, EliminationProposal, Objection, Result, Run, Scheme, Warning
    from shidian.plans.models import FocusArea, PlanStatus, PlanVersion, Task
    from shidian.reporting.models import PilotReport, ReportingRound, ReportStatus, RoundKind

    pilot = liuzhou()
    national = User.objects.get(username="demo-national")
    services.create_news(title=f"{SECRET}稿件", summary=f"{SECRET}摘要", body=f"{SECRET}正文", by=national)
    # An unpublished evaluation run of a year nothing is published for, its result, a bulletin drafted on it.
    scheme = Scheme.objects.get(year=2019)
    run = Run.objects.create(scheme=scheme, number=99, created_by=national, status="draft", state="done")
    Result.objects.create(
        run=run, pilot=pilot, score=12, grade="fail", rank_overall=1, rank_batch=1, rank_region=1, rank_province=1
    )
    Bulletin.objects.create(
        run=run,
        number=f"{SECRET}〔2020〕1号",
        title=f"{SECRET}通报",
        issued_on=dt.date(2019, 7, 1),
        created_by=national,
    )
    # Objections and proposals not decided, on a published result.
    published = Result.objects.filter(pilot=pilot, run__status="published").select_related("run").first()
    assert published is not None
    Objection.objects.create(
        result=published, province=pilot.province, reasons=f"{SECRET}异议", filed_by=national, evidence_name="x.pdf"
    )
    Warning.objects.create(pilot=pilot, year=2030, run=published.run, reason_code="x", reason=f"{SECRET}警示")
    EliminationProposal.objects.create(
        pilot=pilot, year=2030, run=published.run, reason_code="x", reason=f"{SECRET}退出"
    )
    # A contact of the pilot.
    current = ContactEntry.objects.filter(pilot=pilot, valid_until__isnull=True)
    if not current.update(leader_name=f"{SECRET}人"):
        ContactEntry.objects.create(
            pilot=pilot, province=pilot.province, valid_from=dt.date(2019, 1, 1), leader_name=f"{SECRET}人"
        )
    # A report submitted, not accepted.
    reporting_round, _created = ReportingRound.objects.get_or_create(
        year=2030,
        kind=RoundKind.YEAR_END,
        defaults={"pilot_due": dt.date(2030, 12, 20), "province_due": dt.date(2031, 1, 10)},
    )
    PilotReport.objects.create(
        pilot=pilot, round=reporting_round, status=ReportStatus.SUBMITTED, progress=f"<p>{SECRET}进展</p>"
    )
    # A plan version submitted, not approved, with a task in a focus area the approved plan does not work on.
    plan = pilot.work_plan
    approved_task = Task.objects.filter(version__plan=plan, version__status=PlanStatus.APPROVED).first()
    assert approved_task is not None
    used = set(
        Task.objects.filter(version__plan=plan, version__status=PlanStatus.APPROVED).values_list(
            "focus_area", flat=True
        )
    )
    unused = FocusArea.objects.exclude(pk__in=used).order_by("position").first()
    assert unused is not None
    version = PlanVersion.objects.create(plan=plan, number=99, status=PlanStatus.SUBMITTED)
    Task.objects.create(
        version=version,
        title=f"{SECRET}任务",
        focus_area=unused,
        lead_department=approved_task.lead_department,
        responsible_name="x",
        deadline=dt.date(2020, 6, 30),
    )
    return {"pilot": pilot, "focus": unused.name, **unpublished_experiences()}


def unpublished_experiences() -> dict[str, Any]:
    """One experience in each unpublished state (draft, submitted, returned, recommended, declined, selected and
    not published), each carrying SECRET in its text, results and review comment, each with a photo (SECRET in
    its caption and EXIF), and a promotion batch holding only the selected one."""
    import decimal

    from shidian.core.actors import system
    from shidian.experiences import services as experience_services
    from shidian.experiences.models import ExperienceStatus, PromotionBatch
    from shidian.experiences.tests import factories as f

    by = system("test")
    batch = PromotionBatch.objects.create(name=f"{SECRET}推广批次")
    moves = {
        "submitted": lambda e: experience_services.submit_experience(experience=e, by=by),
        "returned": lambda e: experience_services.return_experience(experience=e, by=by, comment=f"{SECRET}意见"),
        "recommended": lambda e: experience_services.recommend_experience(experience=e, by=by, comment=f"{SECRET}推荐"),
        "declined": lambda e: experience_services.decline_experience(experience=e, by=by, comment=f"{SECRET}不选"),
        "selected": lambda e: experience_services.select_experience(experience=e, by=by, batch=batch),
    }
    paths = {
        ExperienceStatus.DRAFT: [],
        ExperienceStatus.SUBMITTED: ["submitted"],
        ExperienceStatus.RETURNED: ["submitted", "returned"],
        ExperienceStatus.RECOMMENDED: ["submitted", "recommended"],
        ExperienceStatus.DECLINED: ["submitted", "recommended", "declined"],
        ExperienceStatus.SELECTED: ["submitted", "recommended", "selected"],
    }
    made, photos = [], []
    for status, path in paths.items():
        experience = experience_services.create_experience(
            pilot=f.liuzhou(),
            by=f.user("demo-pilot"),
            values=f.values(title=f"{SECRET}{status}户籍经验", summary=f"{SECRET}摘要", body=f"{SECRET}正文户籍"),
            results=[experience_services.ResultRow(f"{SECRET}成效", decimal.Decimal("7"), "人")],
        )
        photos.append(
            experience_services.add_file(
                experience=experience,
                by=f.user("demo-pilot"),
                content=f.jpeg_with_exif(),
                file_name=f"{SECRET}.jpg",
                caption=f"{SECRET}照片",
            )
        )
        for step in path:
            experience = moves[step](experience)
        assert experience.status == status
        made.append(experience)
    return {"experiences": made, "photos": photos, "batch": batch}


def experience_urls() -> list[str]:
    """The portal's experience pages over the demo: overview, every theme and batch, every published one."""
    from shidian.experiences import selectors as experience_selectors

    published = list(experience_selectors.published())
    assert published, "the demo publishes experiences"
    return [
        reverse("portal:experiences"),
        *(
            reverse("portal:experience_theme", kwargs={"theme": a.code})
            for a, _n in experience_selectors.published_themes()
        ),
        *(
            reverse("portal:experience_batch", kwargs={"promotion_batch_id": b.pk})
            for b in experience_selectors.promotion_batches()
        ),
        *(reverse("portal:experience", kwargs={"experience_id": e.pk}) for e in published),
        *(
            reverse("portal:experience_photo", kwargs={"file_id": p.pk})
            for p in experience_selectors.public_photos(published[0])
        ),
        reverse("portal:data_experiences_csv"),
        reverse("portal:data_experiences_json"),
    ]


def test_the_portal_never_shows_anything_unpublished(client: Client) -> None:
    made = unpublished_things()
    urls = [*portal_urls(), *experience_urls(), reverse("portal:pilots") + "?q=柳州"]
    pages = PilotArea.objects.count() // 50 + 1
    urls += [reverse("portal:pilots") + f"?page={n}" for n in range(1, pages + 1)]
    # The search, for the marker and for the words the unpublished experiences share with published ones.
    urls += [
        reverse("portal:search") + f"?q={q}" for q in (SECRET, "未发布", "标记", "户籍", "户籍经验", "成效", "意见")
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        shown = text_of(response)
        if url.startswith(reverse("portal:search")):
            shown = shown.split("</form>", 1)[1]  # the results, not the query echoed in the title and the box
            assert "search-total" in shown, url
        assert SECRET not in shown, url
        assert b"ShidianCam" not in response.content, url  # no photo's EXIF either
    # Nothing of theirs is reachable by its own address.
    for experience in made["experiences"]:
        assert client.get(reverse("portal:experience", kwargs={"experience_id": experience.pk})).status_code == 404
    for photo in made["photos"]:
        assert client.get(reverse("portal:experience_photo", kwargs={"file_id": photo.pk})).status_code == 404
    hidden_batch = reverse("portal:experience_batch", kwargs={"promotion_batch_id": made["batch"].pk})
    assert client.get(hidden_batch).status_code == 404
    page = client.get(reverse("portal:pilot", kwargs={"pilot_id": made["pilot"].pk})).content.decode()
    facts = page.split('data-testid="pilot-facts"', 1)[1].split("</dl>", 1)[0]
    assert made["focus"] not in facts  # focus areas come from the approved plan only
    assert "2019 年度" not in page and "不合格" not in page.split('id="grades"', 1)[1]
    assert "2030" not in page
    by_name = {p["name"]: p for p in json.loads(client.get(reverse("portal:data_pilots_json")).content)["pilots"]}
    assert made["focus"] not in by_name["柳州市"]["focus_areas"]


# ---- cache ---------------------------------------------------------------------------------------------


@override_settings(CACHES=LOCMEM)
def test_pages_are_served_from_the_cache_and_renewed_on_publication(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any], django_assert_num_queries: Any
) -> None:
    caches["portal"].clear()
    url = reverse("portal:news")
    first = client.get(url)
    assert first["X-Portal-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again["X-Portal-Cache"] == "hit" and again.content == first.content
    english = client.get(url, headers={"cookie": "django_language=en"})
    assert english["X-Portal-Cache"] == "miss"  # one entry per language

    officer = User.objects.select_related("organisation").get(username="demo-province")
    item = services.create_news(title="缓存更新测试稿件", summary="摘要", body="正文", by=officer)
    assert client.get(url)["X-Portal-Cache"] == "hit"  # a draft changes nothing on the portal
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_news(item=item, by=officer)
    renewed = client.get(url)
    assert renewed["X-Portal-Cache"] == "miss" and "缓存更新测试稿件" in renewed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_news(item=item, by=officer)
    assert "缓存更新测试稿件" not in client.get(url).content.decode()


@override_settings(CACHES=LOCMEM)
def test_a_registry_change_and_a_bulletin_renew_the_pages(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from shidian.evaluation import services as evaluation_services
    from shidian.portal.cache import generation

    caches["portal"].clear()
    pilot = liuzhou()
    url = reverse("portal:pilot", kwargs={"pilot_id": pilot.pk})
    client.get(url)
    assert client.get(url)["X-Portal-Cache"] == "hit"
    before = generation()
    national = User.objects.get(username="demo-national")
    from shidian.evaluation.models import Run

    run_2017 = Run.objects.get(scheme__year=2017, status="published")
    evaluation_services.save_bulletin(
        run=run_2017, title="2017年度通报（测试）", experiences="", problems="", by=national
    )
    assert "2017年度通报（测试）" not in client.get(reverse("portal:bulletins")).content.decode()  # a draft
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_services.issue_bulletin(run=run_2017, by=national)
    assert generation() != before
    assert "2017年度通报（测试）" in client.get(reverse("portal:bulletins")).content.decode()
    from shidian.pilots import services as pilot_services

    with django_capture_on_commit_callbacks(execute=True):
        pilot_services.change_pilot_status(
            pilot=pilot, to="warned", effective_on=dt.date(2019, 7, 8), reason="测试", by=national
        )
    renewed = client.get(url)
    assert renewed["X-Portal-Cache"] == "miss" and "已警示" in renewed.content.decode()


@override_settings(CACHES=LOCMEM)
def test_the_public_gets_the_whole_kept_response_and_a_signed_in_reader_never_does(
    client: Client, client_as: Callable[[str], Client], django_assert_num_queries: Any
) -> None:
    from shidian.portal.cache import generation, page_key

    caches["portal"].clear()
    url = reverse("portal:pilot", kwargs={"pilot_id": liuzhou().pk})
    first = client.get(url)
    assert first["X-Portal-Cache"] == "miss"
    request = RequestFactory().get(url)
    # The middleware kept the whole response; the view did not keep a page of its own.
    assert caches["portal"].get(page_key(request, gen=generation(), language="zh-hans", whole=True)) is not None
    assert caches["portal"].get(page_key(request, gen=generation(), language="zh-hans")) is None
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again["X-Portal-Cache"] == "hit" and again.content == first.content
    for header in ("Content-Type", "Content-Language", "Cache-Control", "Vary", "X-Frame-Options"):
        assert again[header] == first[header], header
    assert "public" in again["Cache-Control"] and not again.cookies
    # A signed-in reader (a session cookie) goes the whole way: the same page, never kept by a browser.
    signed_in = client_as("demo-province").get(url)
    assert signed_in.status_code == 200 and "no-store" in signed_in["Cache-Control"]
    assert "public" not in signed_in["Cache-Control"]


@override_settings(CACHES=LOCMEM, PORTAL_LOCAL_SECONDS=1)
def test_a_process_answers_a_hit_from_its_own_copy_and_follows_another_process_within_a_second(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shidian.portal import cache as portal_cache

    clock = [1000.0]
    monkeypatch.setattr(portal_cache, "_now", lambda: clock[0])
    caches["portal"].clear()
    url = reverse("portal:news")
    first = client.get(url)
    assert first["X-Portal-Cache"] == "miss"
    caches["portal"].clear()  # the shared cache emptied: the hit comes from this process's copy
    again = client.get(url)
    assert again["X-Portal-Cache"] == "hit" and again.content == first.content
    # Another process publishes: it writes a new generation to the shared cache only.
    caches["portal"].set(portal_cache.GENERATION_KEY, "from-another-process", timeout=None)
    clock[0] += 0.5
    assert client.get(url)["X-Portal-Cache"] == "hit"  # this process has not looked yet
    clock[0] += 0.6
    assert client.get(url)["X-Portal-Cache"] == "miss"  # a second later it has
    assert portal_cache.generation() == "from-another-process"
    assert client.get(url)["X-Portal-Cache"] == "hit"
    portal_cache.invalidate()  # a publication in this process is seen by it at once
    assert client.get(url)["X-Portal-Cache"] == "miss"


# ---- the writers' pages ----------------------------------------------------------------------------------


def test_a_provincial_officer_writes_and_publishes_with_a_picture(client_as: Callable[[str], Client]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as("demo-province")
    assert client.get(reverse("news:list")).status_code == 200
    picture = SimpleUploadedFile("photo.png", demo_picture(9), content_type="image/png")
    response = client.post(
        reverse("news:new"),
        {"title": "页面新建稿件", "summary": "摘要", "body": "正文", "image": picture, "image_alt": "示意图"},
    )
    item = NewsItem.objects.get(title="页面新建稿件")
    assert response.status_code == 302 and item.image is not None and item.image_width
    assert client.get(reverse("news:image", kwargs={"news_id": item.pk}))["Content-Type"] == "image/jpeg"
    assert client.post(reverse("news:publish", kwargs={"news_id": item.pk})).status_code == 302
    public = Client().get(reverse("portal:news_item", kwargs={"news_id": item.pk}))
    assert public.status_code == 200 and 'alt="示意图"' in public.content.decode()


def test_a_bad_picture_is_shown_as_an_error_and_nothing_is_written(client_as: Callable[[str], Client]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as("demo-province")
    before = NewsItem.objects.count()
    bomb = SimpleUploadedFile("x.png", b"GIF89a" + b"\x00" * 20, content_type="image/png")
    response = client.post(
        reverse("news:new"), {"title": "坏图片", "summary": "摘要", "body": "正文", "image": bomb, "image_alt": "x"}
    )
    assert response.status_code == 200 and "不是可以读取的图片" in response.content.decode()
    assert NewsItem.objects.count() == before


@pytest.mark.parametrize("username", ["demo-pilot", "demo-department", "demo-expert", "demo-auditor"])
def test_other_roles_do_not_reach_the_writers_pages(client_as: Callable[[str], Client], username: str) -> None:
    item = NewsItem.objects.filter(is_demo=True).first()
    assert item is not None
    client = client_as(username)
    assert client.get(reverse("news:list")).status_code == 404
    assert client.post(reverse("news:withdraw", kwargs={"news_id": item.pk})).status_code == 404
