"""Typical experiences in the browser: drafted → recommended → selected → published → found by search."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from shidian.experiences.models import Experience, ExperienceStatus
from shidian.plans.focus_areas import ensure_focus_areas

pytestmark = pytest.mark.e2e


def test_experience_from_draft_to_search(site: str, login: Any, new_context: Any) -> None:
    ensure_focus_areas()  # a data migration's rows: an earlier browser test's flush took them
    pilot, province, national = (new_context().new_page() for _ in range(3))

    # The pilot drafts an experience with a result and submits it.
    login(pilot, "demo-pilot")
    pilot.goto(f"{site}/experiences/")
    with pilot.expect_navigation():
        pilot.get_by_test_id("new-experience").click()
    pilot.fill("input[name=title]", "城乡建设用地增减挂钩节余指标调剂")
    pilot.select_option("select[name=focus_area]", label="城乡统筹发展")
    pilot.fill("textarea[name=summary]", "节余指标省内调剂，收益反哺农村。")
    pilot.fill("textarea[name=body]", "开展城乡建设用地增减挂钩，复垦耕地，节余指标在省内调剂使用。")
    pilot.fill("input[name=what_1]", "复垦耕地")
    pilot.fill("input[name=value_1]", "1200")
    pilot.fill("input[name=unit_1]", "亩")
    with pilot.expect_navigation():
        pilot.get_by_role("button", name="保存草稿").click()
    expect(pilot.get_by_test_id("experience-status")).to_have_text("草稿")
    with pilot.expect_navigation():
        pilot.get_by_test_id("submit-experience").click()
    expect(pilot.get_by_test_id("experience-status")).to_have_text("待省级推荐")
    experience = Experience.objects.get(title="城乡建设用地增减挂钩节余指标调剂")

    # The province finds it on its workbench and recommends it.
    login(province, "demo-province")
    province.goto(f"{site}/")
    with province.expect_navigation():
        province.get_by_test_id(f"experience-recommend-{experience.pk}").get_by_role("link").click()
    province.fill("textarea[name=comment]", "做法成熟，同意推荐。")
    with province.expect_navigation():
        province.get_by_test_id("recommend-experience").click()
    expect(province.get_by_test_id("experience-status")).to_have_text("省级已推荐")

    # The commission opens a batch, selects the experience into it and publishes it.
    login(national, "demo-national")
    national.goto(f"{site}/experiences/batches/")
    national.fill("input[name=name]", "国家新型城镇化综合试点经验（第一批）")
    with national.expect_navigation():
        national.get_by_role("button", name="新建").click()
    national.goto(f"{site}/")
    with national.expect_navigation():
        national.get_by_test_id(f"experience-select-{experience.pk}").get_by_role("link").click()
    national.select_option("select[name=batch]", label="国家新型城镇化综合试点经验（第一批）")
    with national.expect_navigation():
        national.get_by_test_id("select-experience").click()
    expect(national.get_by_test_id("experience-batch")).to_have_text("国家新型城镇化综合试点经验（第一批）")
    with national.expect_navigation():
        national.get_by_test_id("publish-experience").click()
    expect(national.get_by_test_id("experience-status")).to_have_text("已发布")
    experience.refresh_from_db()
    assert experience.status == ExperienceStatus.PUBLISHED

    # Anyone signed in finds it by a four-character term, highlighted.
    pilot.goto(f"{site}/search/")
    pilot.fill("[data-testid=search-q]", "增减挂钩")
    with pilot.expect_navigation():
        pilot.get_by_role("button", name="检索", exact=True).click()
    results = pilot.get_by_test_id("search-results")
    expect(results.locator("mark").first).to_have_text("增减挂钩")
    with pilot.expect_navigation():
        results.get_by_role("link", name="城乡建设用地增减挂钩节余指标调剂").click()
    expect(pilot.get_by_test_id("experience-status")).to_have_text("已发布")

    # A reader who is not signed in finds it on the portal: on its theme's page, on its pilot's page, in the
    # public search (highlighted), and reads it, with and without JavaScript.
    reader = new_context().new_page()
    reader.goto(f"{site}/portal/experiences/")
    with reader.expect_navigation():
        reader.get_by_test_id("themes").get_by_role("link", name="城乡统筹发展").click()
    theme = reader.get_by_test_id("experience-list")
    expect(theme).to_contain_text("城乡建设用地增减挂钩节余指标调剂")
    reader.goto(f"{site}/portal/pilots/{experience.pilot_id}/")
    expect(reader.get_by_test_id("pilot-experiences")).to_contain_text("城乡建设用地增减挂钩节余指标调剂")
    reader.goto(f"{site}/portal/search/")
    reader.fill("#search-q", "增减挂钩")
    with reader.expect_navigation():
        reader.get_by_role("button", name="检索", exact=True).click()
    hits = reader.get_by_test_id("search-hits")
    expect(hits.locator("mark").first).to_have_text("增减挂钩")
    with reader.expect_navigation():
        hits.get_by_role("link", name="城乡建设用地增减挂钩节余指标调剂").click()
    assert reader.url.endswith(f"/portal/experiences/{experience.pk}/")
    expect(reader.get_by_test_id("experience-results")).to_contain_text("复垦耕地")
    without_js = new_context(java_script_enabled=False).new_page()
    without_js.goto(f"{site}/portal/search/?q=增减挂钩")
    expect(without_js.get_by_test_id("search-hits")).to_contain_text("城乡建设用地增减挂钩节余指标调剂")
