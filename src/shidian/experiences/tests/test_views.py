"""Experience pages: the flow through the forms, who sees what (404 otherwise), bad input, search page, queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shidian.core import clock
from shidian.experiences.models import Experience, ExperienceFile, ExperienceStatus
from shidian.experiences.tests import factories as f

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


def _detail(experience: Experience) -> str:
    return reverse("experiences:detail", kwargs={"experience_id": experience.pk})


def _post(client: Client, name: str, experience: Experience, **data: object) -> str:
    response = client.post(reverse(f"experiences:{name}", kwargs={"experience_id": experience.pk}), data, follow=True)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_flow_through_the_pages_from_draft_to_search(client_as: ClientAs) -> None:
    pilot = client_as("demo-pilot")
    form = {
        "title": "农村土地承包经营权确权登记",
        "focus_area": f.values()["focus_area"].pk,
        "summary": "确权登记颁证。",
        "body": "推进农村土地承包经营权确权登记，规范土地流转。",
        "what_1": "确权面积",
        "value_1": "12.5",
        "unit_1": "万亩",
    }
    response = pilot.post(reverse("experiences:create"), form)
    assert response.status_code == 302
    experience = Experience.objects.get(title="农村土地承包经营权确权登记")
    assert [str(r) for r in experience.results.all()] == ["确权面积 12.50万亩"]
    _post(pilot, "submit", experience)
    html = client_as("demo-province").get(_detail(experience)).content.decode()
    assert 'data-testid="recommend-experience"' in html
    _post(client_as("demo-province"), "recommend", experience, comment="同意推荐")
    national = client_as("demo-national")
    national.post(reverse("experiences:batches"), {"name": "国家新型城镇化综合试点经验（第九批）"})
    batch = f.batch("国家新型城镇化综合试点经验（第九批）")
    html = _post(national, "publish", experience)  # not selected yet: refused with a message
    assert "不能从" in html
    _post(national, "select", experience, batch=batch.pk)
    _post(national, "publish", experience)
    experience.refresh_from_db()
    assert experience.status == ExperienceStatus.PUBLISHED
    # Every business role finds it by search, the matched word highlighted.
    for username in ("demo-ministry", "demo-department", "demo-expert"):
        html = client_as(username).get(reverse("search:home"), {"q": "土地"}).content.decode()
        assert "<mark>土地</mark>" in html and _detail(experience) in html, username


def test_drafts_are_the_pilots_own_and_submitted_ones_the_provinces(client_as: ClientAs) -> None:
    draft = f.draft()
    assert client_as("demo-pilot").get(_detail(draft)).status_code == 200
    for username in ("demo-province", "demo-national", "demo-ministry", "demo-department"):
        assert client_as(username).get(_detail(draft)).status_code == 404, username
    submitted = f.walked(ExperienceStatus.SUBMITTED)
    assert client_as("demo-province").get(_detail(submitted)).status_code == 200
    assert client_as("demo-national").get(_detail(submitted)).status_code == 404
    recommended = f.walked(ExperienceStatus.RECOMMENDED)
    assert client_as("demo-national").get(_detail(recommended)).status_code == 200
    assert client_as("demo-ministry").get(_detail(recommended)).status_code == 404
    published = f.walked(ExperienceStatus.PUBLISHED)
    for username in ("demo-pilot", "demo-province", "demo-national", "demo-ministry", "demo-department", "demo-expert"):
        assert client_as(username).get(_detail(published)).status_code == 200, username
    for username in ("demo-auditor", "demo-sysadmin", "demo-secadmin"):
        assert client_as(username).get(_detail(published)).status_code == 404, username
        assert client_as(username).get(reverse("search:home"), {"q": "户籍"}).status_code == 404, username


def test_another_provinces_experience_is_not_found_and_cannot_be_moved(client_as: ClientAs) -> None:
    beijing = f.pilot("北京市", "顺义区")
    submitted = f.walked(ExperienceStatus.SUBMITTED, beijing)
    province = client_as("demo-province")
    assert province.get(_detail(submitted)).status_code == 404
    assert province.post(reverse("experiences:recommend", kwargs={"experience_id": submitted.pk})).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == ExperienceStatus.SUBMITTED


def test_the_form_names_the_bad_field_and_writes_nothing(client_as: ClientAs) -> None:
    before = Experience.objects.count()
    response = client_as("demo-pilot").post(
        reverse("experiences:create"),
        {"title": "", "focus_area": "999999", "what_1": "确权面积", "value_1": "", "value_2": "abc"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "成效数据第 1 行" in html and "这个字段是必填项" in html
    assert Experience.objects.count() == before
    assert client_as("demo-province").get(reverse("experiences:create")).status_code == 404


def test_uploading_a_photo_through_the_page_serves_it_re_encoded(client_as: ClientAs) -> None:
    experience = f.draft()
    client = client_as("demo-pilot")
    upload = SimpleUploadedFile("现场.jpg", f.jpeg_with_exif(), content_type="image/jpeg")
    _post(client, "add_file", experience, file=upload, caption="项目现场")
    stored = ExperienceFile.objects.get(experience=experience)
    response = client.get(reverse("experiences:file", kwargs={"experience_file_id": stored.pk}))
    assert response["Content-Type"] == "image/jpeg" and b"ShidianCam" not in response.content
    bomb = SimpleUploadedFile("bomb.png", f.png_bomb(), content_type="image/png")
    html = _post(client, "add_file", experience, file=bomb)
    assert "解压炸弹" in html
    assert ExperienceFile.objects.filter(experience=experience).count() == 1


def test_another_pilot_records_its_adoption_on_the_page(client_as: ClientAs) -> None:
    with clock.travel_to(dt.date(2019, 1, 10)):
        published = f.walked(ExperienceStatus.PUBLISHED, f.pilot(f.GUANGXI, "来宾市"))
    client = client_as("demo-pilot")
    html = client.get(_detail(published)).content.decode()
    assert 'data-testid="adopt-form"' in html
    html = _post(client, "adopt", published, what="", adopted_on="2019-02-01")
    assert "借鉴内容" in html
    html = _post(client, "adopt", published, what="积分入学", adopted_on="2019-02-01", result="见效")
    assert published.adoptions.get().pilot == f.liuzhou()
    assert "柳州市" in client_as("demo-national").get(_detail(published)).content.decode()


@pytest.mark.parametrize(
    "query",
    ['"', "土地 OR (户籍", "*", "NEAR(a b)", "'; DROP TABLE x; --", "户籍" * 400, "<script>alert(1)</script>"],
)
def test_bad_queries_answer_without_errors_or_leaks(client_as: ClientAs, query: str) -> None:
    response = client_as("demo-pilot").get(reverse("search:home"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_list_and_search_pages_have_pinned_query_counts(
    client_as: ClientAs, django_assert_max_num_queries: Callable[[int], object]
) -> None:
    for status in (ExperienceStatus.PUBLISHED, ExperienceStatus.PUBLISHED, ExperienceStatus.SUBMITTED):
        f.walked(status)
    client = client_as("demo-province")
    with django_assert_max_num_queries(12):  # type: ignore[attr-defined]
        assert client.get(reverse("experiences:home")).status_code == 200
    with django_assert_max_num_queries(10):  # type: ignore[attr-defined]
        assert client.get(reverse("search:home"), {"q": "户籍"}).status_code == 200
