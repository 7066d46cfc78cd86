"""Chinese pages are Chinese: every page each demo account can reach, rendered in zh-Hans, has no English text.

The walk starts at the home page and at every URL pattern without arguments, follows the links of each page
(a few instances of each URL name) and reads the visible text: no <script>, <style>, <code>, <pre>, no attribute
values, nothing marked ``lang="en"`` (the catalogue's English indicator names) or ``translate="no"``. A token with
a digit, ``_``, ``.``, ``/``, ``@``, ``:`` or ``=`` is a code, an address or a number (S22, PM2.5, www.gov.cn).
What is left must not contain Latin words, except the short allow-list below and the demo accounts' user names.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from shidian.accounts.models import User
from shidian.core.tests.test_url_walk import all_patterns

# Names Chinese officials write in Latin letters: file formats, units and abbreviations used as such in Chinese text.
ALLOWED = {
    "CSV",
    "XLSX",
    "DOCX",
    "PDF",
    "GeoJSON",
    "JSON",
    "PNG",
    "JPEG",
    "GIF",  # file formats
    "KB",
    "MB",
    "Mbps",  # units (文件大小, 宽带速率)
    "IP",  # IP 地址
}
DEMO_ACCOUNTS = [
    "demo-national",
    "demo-ministry",
    "demo-province",
    "demo-pilot",
    "demo-department",
    "demo-expert",
    "demo-auditor",
    "demo-secadmin",
    "demo-sysadmin",
]
# Links the walk does not follow: signing out, and the language switches (the portal's is a link).
NOT_FOLLOWED = {"accounts:logout", "set_language", "portal:language"}
SKIPPED_TAGS = {"script", "style", "code", "pre", "kbd", "samp", "template"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
CODE_LIKE = re.compile(r"[0-9_./@:=]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
ADMIN_REPEATS = ("_delete", "_history", "_autocomplete", "view_on_site")
# Instances of one URL name each account opens: list pages link to hundreds of detail pages of one template, and
# the role, not the instance, changes what a page shows (the province's review form on a pilot's report).
PER_URL_NAME = 1
MAX_PAGES = 400


class VisibleText(HTMLParser):
    """The text a reader sees, and the links of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, starts a skipped region)
        self.skipping = 0
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")
        if tag in VOID_TAGS:
            return
        lang = (attributes.get("lang") or "").lower()
        skip = tag in SKIPPED_TAGS or attributes.get("translate") == "no" or bool(lang and not lang.startswith("zh"))
        self.open.append((tag, skip))
        self.skipping += skip

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            opened, skip = self.open.pop()
            self.skipping -= skip
            if opened == tag:
                break

    def handle_data(self, text: str) -> None:
        if not self.skipping:
            self.parts.append(text)


def english_words(html: str, names: set[str]) -> tuple[set[str], list[str]]:
    parser = VisibleText()
    parser.feed(html)
    words: set[str] = set()
    text = " ".join(parser.parts)
    if names:  # user names are data, also inside a sentence (您的账号已开通：demo-pilot)
        text = re.sub("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)), " ", text)
    for token in text.split():
        if CODE_LIKE.search(token):
            continue
        words.update(w for w in LATIN_WORD.findall(token) if w not in ALLOWED)
    return words, parser.links


def walk(client: Client, starts: list[str], names: set[str]) -> tuple[dict[str, set[str]], set[str]]:
    """Open the pages reachable from ``starts``; the English words found, by word, and the URL names opened."""
    found: dict[str, set[str]] = defaultdict(set)
    queue = list(dict.fromkeys(starts))
    seen: set[str] = set()
    per_name: Counter[str] = Counter()
    opened: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, f"{url} → {response.status_code}"
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        opened.add(resolve(url.split("?")[0]).view_name)
        words, links = english_words(response.content.decode(), names)
        for word in words:
            found[word].add(url)
        for href in links:
            href = href.split("#")[0]
            if not href.startswith("/") or href.startswith("//") or href in seen:
                continue
            try:
                match = resolve(href.split("?")[0])
            except Resolver404:
                continue
            if match.view_name in NOT_FOLLOWED or per_name[match.view_name] >= PER_URL_NAME:
                continue
            if match.view_name.endswith(ADMIN_REPEATS):  # the same admin templates as the change pages
                continue
            per_name[match.view_name] += 1
            queue.append(href)
    return found, opened


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_world")
def test_every_page_of_every_demo_account_is_chinese(client_as: Callable[[str], Client]) -> None:
    names = set(User.objects.values_list("username", flat=True))
    starts = ["/", "/admin/"] + [reverse(name) for name, kwargs in all_patterns() if not kwargs]
    starts = [u for u in starts if resolve(u).view_name not in NOT_FOLLOWED]
    problems = []
    opened_by_anyone: set[str] = set()
    for username in DEMO_ACCOUNTS:
        client = client_as(username)
        client.cookies["django_language"] = "zh-hans"
        found, opened = walk(client, starts, names)
        opened_by_anyone |= opened
        problems += [f"{username}: {word!r} on {sorted(urls)[:3]}" for word, urls in sorted(found.items())]
    assert not problems, "untranslated interface text:\n" + "\n".join(problems)
    # The walk must really have opened the pages: detail pages of each app, the audit trail and the admin.
    must_open = [
        "pilots:detail",
        "plans:plan",
        "reporting:report",
        "indicators:pilot",
        "evaluation:compare",
        "core:audit_log",
        "admin:index",
    ]
    for name in must_open:
        assert name in opened_by_anyone, f"the walk never opened {name}"


def test_the_reader_skips_code_english_marked_text_and_attributes() -> None:
    page = (
        '<p title="Title">中文 <code>role</code> <span lang="en">Resident population</span> '
        '<span translate="no">demo-x</span> S22 www.gov.cn PM2.5 CSV</p><script>var x = "English";</script>'
    )
    assert english_words(page, set()) == (set(), [])
    assert english_words("<p>中文 Not Found<br>页面</p>", set())[0] == {"Not", "Found"}
    assert english_words("<p>demo-pilot</p>", {"demo-pilot"})[0] == set()


@pytest.mark.django_db
def test_error_pages_are_chinese_and_in_the_site_layout(client_as: Callable[[str], Client]) -> None:
    from django.test import RequestFactory
    from django.views import defaults

    client = client_as("demo-pilot")
    missing = client.get("/no-such-page/")
    body = missing.content.decode()
    assert missing.status_code == 404
    assert "页面不存在" in body and "site-header" in body and "Not Found" not in body
    assert "退出" in body  # the signed-in header, as on every page
    forbidden = defaults.permission_denied(RequestFactory().get("/"), exception=Exception())
    assert forbidden.status_code == 403 and "无法完成请求" in forbidden.content.decode()
    # Django renders 500.html without a request and without context processors: the page must not need them.
    crashed = defaults.server_error(RequestFactory().get("/"))
    assert crashed.status_code == 500
    text = crashed.content.decode()
    assert "系统出错" in text and "site-header" in text and "Server Error" not in text


def test_drop_downs_offer_a_chinese_blank_choice() -> None:
    from django import forms

    from shidian.pilots.models import PilotArea

    assert PilotArea._meta.get_field("verification").get_choices()[0] == ("", "请选择")
    widget = forms.ModelChoiceField(queryset=PilotArea.objects.none(), required=False).widget.render("x", None)
    assert '<option value="" selected>请选择</option>' in widget


def test_registry_notes_read_in_chinese() -> None:
    import csv

    from shidian.pilots.source_notes import in_chinese
    from shidian.regions.services import reference_path

    with reference_path("pilots.csv").open(encoding="utf-8") as f:
        notes = [row["source_note"] for row in csv.DictReader(f)]
    assert len(notes) > 100
    left = {note: english_words(f"<p>{in_chinese(note)}</p>", set())[0] for note in notes}
    assert not {note: words for note, words in left.items() if words}
    assert in_chinese("province-level pilot; src S1 S21") == "省级试点；来源：S1、S21"
    assert in_chinese("something new") == "something new"  # an unknown note is shown, not lost


@pytest.mark.django_db
def test_formulas_show_indicator_names(client_as: Callable[[str], Client]) -> None:
    page = client_as("demo-national").get(reverse("indicators:catalogue")).content.decode()
    assert "【城镇户籍人口】\u00f7【户籍总人口】\u00d7100" in page.replace(" ", "")
    assert "hukou_urban_population / hukou_population" not in page


@pytest.mark.django_db
def test_the_admin_names_login_protection_in_chinese(client_as: Callable[[str], Client]) -> None:
    page = client_as("demo-secadmin").get("/admin/").content.decode()
    assert "登录防护" in page and "登录尝试" in page
    assert "Axes" not in page and "Access attempts" not in page


@pytest.mark.django_db
def test_completeness_page_describes_batches_in_chinese(client_as: Callable[[str], Client]) -> None:
    page = client_as("demo-national").get(reverse("pilots:completeness")).content.decode()
    assert "2个省 + 62个城市（镇）" in page and "cities/towns" not in page


@pytest.mark.django_db
def test_the_import_preview_names_fields_and_verification_levels_in_chinese(client_as: Callable[[str], Client]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shidian.pilots.models import PilotArea

    pilot = PilotArea.objects.select_related("batch", "province").filter(verification="sourced").first()
    assert pilot is not None
    content = (
        "batch,province,name,level,verification,source_note\n"
        f"{pilot.batch.number},{pilot.province.name},{pilot.name},{pilot.kind},official,{pilot.source_note}\n"
    ).encode()
    client = client_as("demo-national")
    page = client.post(
        reverse("pilots:import"), {"file": SimpleUploadedFile("x.csv", content, content_type="text/csv")}
    ).content.decode()
    assert "核实程度</span>：有公开来源 → 官方名单" in page, page[page.find("import-preview") :][:2000]
    assert "verification: sourced" not in page
