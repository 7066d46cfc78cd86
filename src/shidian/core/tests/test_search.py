"""Chinese full-text search on a small corpus: expected hits and ranks, bad queries, scoping (both databases)."""

from __future__ import annotations

from typing import Any

import pytest

from shidian.core import search
from shidian.core.actors import SystemActor
from shidian.core.models import SearchEntry

CORPUS = [
    # (key, title, text, published, province_id, pilot_id)
    (
        "hukou",
        "深化户籍制度改革",
        "放开落户限制，户籍人口城镇化率提高；以居住证为载体推进基本公共服务均等化。户籍改革惠及农民工。",
        True,
        1,
        11,
    ),
    ("hukou_minor", "公共服务均等化", "居住证持有人享受教育医疗服务，户籍之外的常住人口同样受益。", True, 2, 21),
    ("land", "农村土地制度改革", "推进农村土地承包经营权确权登记，盘活土地资源，土地流转规范有序。", True, 1, 12),
    (
        "link",
        "城乡建设用地增减挂钩",
        "开展城乡建设用地增减挂钩，节余指标在省内流转，收益用于农村。增减挂钩项目复垦耕地。",
        True,
        2,
        22,
    ),
    ("parts", "挂钩帮扶", "东西部对口挂钩，产业增减有度。", True, 2, 22),
    ("green", "绿色智能城市", "海绵城市和智慧城市建设，公共交通优先。", True, 3, 31),
    ("draft_land", "未公开的土地报告", "本省试点土地整治进展（内部）。", False, 1, 11),
    ("other_land", "外省未公开的土地报告", "外省试点土地整治进展（内部）。", False, 2, 21),
]


class _User:
    """The smallest stand-in for a signed-in user for scoping: a provincial officer of province 1."""

    is_authenticated = True
    is_active = True
    role = "provincial_officer"

    class organisation:
        province_id = 1
        pilot_id = None


@pytest.fixture(scope="module")
def corpus(django_db_setup: None, django_db_blocker: Any) -> Any:
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            for n, (key, title, text, published, province, pilot) in enumerate(CORPUS, start=1):
                search.index_entry(
                    kind="test",
                    object_id=n,
                    title=title,
                    text=text,
                    url=f"/t/{key}/",
                    published=published,
                    province_id=province,
                    pilot_id=pilot,
                    capability="" if published else "reporting.view",
                )
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _keys(query: str, **kwargs: Any) -> list[str]:
    kwargs.setdefault("public", True)
    return [hit.entry.url.strip("/").split("/")[-1] for hit in search.search(query=query, **kwargs).hits]


@pytest.mark.django_db
def test_two_character_hukou_finds_both_ranked_by_weight(corpus: None) -> None:
    # The title and three mentions beat one mention in the text.
    assert _keys("户籍") == ["hukou", "hukou_minor"]


@pytest.mark.django_db
def test_two_character_land_finds_the_land_reform_only_in_public(corpus: None) -> None:
    # 农村土地 is one word in precise mode; search-mode indexing keeps 土地 findable. Unpublished reports stay out.
    assert _keys("土地") == ["land"]


@pytest.mark.django_db
def test_four_character_term_finds_the_term_not_its_scattered_parts(corpus: None) -> None:
    assert _keys("增减挂钩") == ["link"]
    # Its parts are still words of their own.
    assert set(_keys("挂钩")) == {"link", "parts"}


@pytest.mark.django_db
def test_every_word_must_match(corpus: None) -> None:
    assert _keys("户籍 农民工") == ["hukou"]
    assert _keys("户籍 海绵城市") == []


@pytest.mark.django_db
def test_matched_words_are_highlighted_and_text_is_escaped(corpus: None) -> None:
    search.index_entry(
        kind="test",
        object_id=99,
        title="<b>户籍</b>",
        text="<script>x</script>户籍",
        url="/t/x/",
        published=True,
        province_id=1,
        pilot_id=None,
    )
    hit = next(h for h in search.search(query="户籍", public=True).hits if h.entry.object_id == 99)
    assert str(hit.title_html) == "&lt;b&gt;<mark>户籍</mark>&lt;/b&gt;"
    assert "<script>" not in hit.snippet_html and "<mark>户籍</mark>" in hit.snippet_html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        '"',
        '户籍" OR "土地',
        "土地 & | ! ( ) : * ^",
        "NEAR(土地 户籍)",
        "'; DROP TABLE core_searchentry; --",
        "title_tokens:土地",
        "\\",
        "户籍" * 500,
        "   ",
        "\x00土地",
    ],
)
def test_operators_and_special_characters_never_reach_the_index(corpus: None, query: str) -> None:
    results = search.search(query=query, public=True)
    for hit in results.hits:
        assert hit.entry.is_published
    assert SearchEntry.objects.filter(kind="test").count() == len(CORPUS)


@pytest.mark.django_db
def test_an_operator_between_words_is_just_punctuation(corpus: None) -> None:
    assert _keys("土地 OR 户籍") == []  # "or" is a word the corpus lacks, not an operator
    assert _keys("(土地)") == ["land"]


@pytest.mark.django_db
def test_a_very_long_query_is_cut_and_the_user_told(corpus: None) -> None:
    results = search.search(query="户籍" + "。" * 300, public=True)
    assert results.query.truncated and results.notice
    assert [h.entry.title for h in results.hits][:1] == ["深化户籍制度改革"]


@pytest.mark.django_db
def test_signed_in_search_adds_unpublished_entries_in_scope_only(corpus: None) -> None:
    # Province 1's officer sees its own unpublished report, never province 2's.
    assert set(_keys("土地", public=False, user=_User())) == {"land", "draft_land"}
    assert "other_land" not in _keys("土地", public=False, user=_User())
    assert set(_keys("土地", public=False, user=SystemActor("test"))) == {"land", "draft_land", "other_land"}
    assert _keys("土地", public=False, user=None) == []


@pytest.mark.django_db
def test_removed_entries_are_not_found(corpus: None) -> None:
    search.remove_entry(kind="test", object_id=3)
    assert _keys("土地") == []
