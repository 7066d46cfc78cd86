"""The English catalogue: complete, compiled, and in step with the strings marked in the code.

The msgids are Chinese (the source language). To add or change a string: mark it, then from src/shidian run
``makemessages -l en --no-obsolete --ignore "static/vendor/*" --ignore "*/tests/*" --ignore conftest.py``,
translate every empty msgstr (and drop any ``#, fuzzy``), and run ``compilemessages -l en``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

import pytest
from django.utils.translation import gettext, ngettext, npgettext, override, pgettext
from django.utils.translation.template import templatize

from shidian.core.errors import RowError
from shidian.core.roles import Role
from shidian.pilots.models import AreaKind, PilotStatus
from shidian.regions.models import RegionClass

SOURCE_ROOT = Path(__file__).resolve().parents[2]  # src/shidian, where makemessages runs
CATALOGUE = SOURCE_ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# The same exclusions as the makemessages command in the module docstring.
IGNORED = ["static/vendor/*", "*/tests/*", "conftest.py", "locale/*"]
CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def parse_po(path: Path) -> list[Entry]:
    """A tiny .po reader: entries with context, plural, flags; obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                entry, target = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
        if match:
            keyword, index, text = match[1], match[2], _unquote(match[3])
            if keyword == "msgctxt":
                entry.msgctxt = text
            elif keyword == "msgid":
                entry.msgid = text
            elif keyword == "msgid_plural":
                entry.msgid_plural = text
            else:
                entry.msgstr[int(index) if index is not None else 0] = text
            target = (keyword, int(index) if index is not None else None)
        elif line.startswith('"') and target is not None:
            text = _unquote(line)
            keyword, idx = target
            if keyword == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + text
            elif keyword == "msgid":
                entry.msgid += text
            elif keyword == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + text
            else:
                entry.msgstr[idx or 0] += text
        else:
            raise AssertionError(f"{path.name}:{number}: cannot read {raw!r}")
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    assert CATALOGUE.exists(), f"missing {CATALOGUE}"
    return parse_po(CATALOGUE)


@pytest.fixture(scope="module")
def messages(catalogue: list[Entry]) -> list[Entry]:
    """The entries without the header."""
    return [e for e in catalogue if e.msgid]


def where(entry: Entry) -> str:
    return f"{CATALOGUE.name}:{entry.line} {entry.msgid!r}"


# --- the catalogue itself ------------------------------------------------------------------------------------


def test_header_is_english_with_two_plural_forms(catalogue: list[Entry]) -> None:
    header = catalogue[0]
    assert header.msgid == ""
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


def test_every_msgid_has_a_translation(messages: list[Entry]) -> None:
    assert len(messages) > 100
    untranslated = []
    for entry in messages:
        expected = 2 if entry.msgid_plural is not None else 1
        if len(entry.msgstr) != expected or not all(s.strip() for s in entry.msgstr.values()):
            untranslated.append(where(entry))
    assert not untranslated, "untranslated:\n" + "\n".join(untranslated)


def test_no_entry_is_fuzzy(catalogue: list[Entry]) -> None:
    fuzzy = [where(e) for e in catalogue if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy (Django ignores them):\n" + "\n".join(fuzzy)


PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdif]")


def test_translations_keep_every_placeholder(messages: list[Entry]) -> None:
    broken = []
    for entry in messages:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        wanted = sorted(m[0] for m in PLACEHOLDER.finditer(" ".join(sources)))
        for text in entry.msgstr.values():
            found = sorted(m[0] for m in PLACEHOLDER.finditer(text))
            if sorted(set(found)) != sorted(set(wanted)):
                broken.append(f"{where(entry)}: {found} != {wanted}")
    assert not broken, "\n".join(broken)


def test_translations_are_english(messages: list[Entry]) -> None:
    """Chinese may remain only where it is meant to: the language's own name and the Chinese type names."""
    allowed = {"简体中文", "如 地级市、市辖区、县、县级市、自治县、旗"}
    chinese = [where(e) for e in messages if e.msgid not in allowed and any(CJK.search(s) for s in e.msgstr.values())]
    assert not chinese, "\n".join(chinese)


def test_compiled_catalogue_is_up_to_date(messages: list[Entry]) -> None:
    """django.mo is what Django reads: every entry must come back from it as written in django.po."""
    assert COMPILED.exists() and COMPILED.stat().st_size > 0, "run compilemessages -l en"
    stale = []
    with override("en"):
        for entry in messages:
            if entry.msgid_plural is None:
                got = [pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else gettext(entry.msgid)]
            elif entry.msgctxt:
                got = [npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            else:
                got = [ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            if got != [entry.msgstr[i] for i in range(len(got))]:
                stale.append(where(entry))
    assert not stale, "django.mo does not match django.po (run compilemessages -l en):\n" + "\n".join(stale)


# --- the catalogue is in step with the code -----------------------------------------------------------------

GETTEXT_FUNCTIONS = {
    # name: (index of the context argument or None, number of msgid arguments)
    "_": (None, 1),
    "gettext": (None, 1),
    "gettext_lazy": (None, 1),
    "gettext_noop": (None, 1),
    "ngettext": (None, 2),
    "ngettext_lazy": (None, 2),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 2),
    "npgettext_lazy": (0, 2),
}
STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf"\b({'|'.join(GETTEXT_FUNCTIONS)})\(\s*({STRING}(?:\s*,\s*{STRING})*)")


def _source_files(*suffixes: str) -> list[Path]:
    files = []
    for path in sorted(SOURCE_ROOT.rglob("*")):
        relative = path.relative_to(SOURCE_ROOT).as_posix()
        if path.suffix not in suffixes or any(part.startswith(".") for part in path.parts):
            continue
        if any(fnmatch(relative, pattern) or fnmatch(path.name, pattern) for pattern in IGNORED):
            continue
        files.append(path)
    return files


def _key(name: str, strings: list[str]) -> tuple[str | None, str] | None:
    context_at, count = GETTEXT_FUNCTIONS[name]
    first = 1 if context_at is not None else 0
    if len(strings) < first + count:
        return None
    return (strings[0] if context_at is not None else None, strings[first])


def marked_in_python() -> dict[tuple[str | None, str], str]:
    found: dict[tuple[str | None, str], str] = {}
    for path in _source_files(".py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name not in GETTEXT_FUNCTIONS:
                continue
            strings = []
            for arg in node.args:
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    break
                strings.append(arg.value)
            key = _key(name, strings)
            if key is not None:
                found.setdefault(key, f"{path.relative_to(SOURCE_ROOT)}:{node.lineno}")
    return found


def marked_in_templates() -> dict[tuple[str | None, str], str]:
    found: dict[tuple[str | None, str], str] = {}
    for path in _source_files(".html", ".txt"):
        for match in TEMPLATE_CALL.finditer(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
            strings = [ast.literal_eval(s) for s in re.findall(STRING, match[2])]
            key = _key(match[1], strings)
            if key is not None:
                found.setdefault(key, str(path.relative_to(SOURCE_ROOT)))
    return found


def test_every_marked_string_is_in_the_catalogue(messages: list[Entry]) -> None:
    """A string marked for translation but missing from django.po would show in Chinese to English users."""
    in_catalogue = {e.key for e in messages}
    marked = {**marked_in_templates(), **marked_in_python()}
    assert (None, "试点名录") in marked and (None, "未知的省份“%(value)s”。") in marked  # the scan itself works
    missing = sorted(
        f"{place}: {msgid!r}" for (ctx, msgid), place in marked.items() if (ctx, msgid) not in in_catalogue
    )
    assert not missing, "not in django.po (run makemessages -l en and translate):\n" + "\n".join(missing)


# --- key labels in English ----------------------------------------------------------------------------------


def test_status_role_and_region_labels_translate() -> None:
    with override("en"):
        assert [str(label) for label in PilotStatus.labels] == ["Active", "Warned", "Eliminated", "Completed"]
        assert str(Role.AUDITOR.label) == "Audit admin"
        assert str(Role.SECURITY_ADMIN.label) == "Security admin"
        assert str(Role.SYSTEM_ADMIN.label) == "System admin"
        assert str(Role.EXPERT.label) == "Evaluation expert"
        assert str(Role.MINISTRY_REVIEWER.label) == "Ministry reviewer"
        assert not [label for label in Role.labels if CJK.search(str(label))]
        assert [str(label) for label in RegionClass.labels] == ["East", "Central", "West", "Northeast"]
        assert str(AreaKind.TOWN.label) == "Designated town"
        assert str(AreaKind.PLAN_CITY.label) == "City with independent planning status"
    with override("zh-hans"):
        assert str(PilotStatus.WARNED.label) == "已警示"
        assert str(Role.AUDITOR.label) == "安全审计员"


def test_import_row_error_renders_in_english() -> None:
    with override("en"):
        message = gettext("未知的省份“%(value)s”。") % {"value": "火星省"}
        assert message == "Unknown province “火星省”."
        error = RowError(row=3, column="province", sheet="Sheet1", message=message)
        assert str(error) == "Sheet “Sheet1”, Row 3, Column “province”: Unknown province “火星省”."
    with override("zh-hans"):
        message = gettext("未知的省份“%(value)s”。") % {"value": "火星省"}
        assert str(RowError(row=3, column="province", message=message)) == "第 3 行，“province”列：未知的省份“火星省”。"


def test_coupling_labels_translate() -> None:
    """Labels marked with gettext_noop are extracted only under that name (an alias such as _noop is not)."""
    from shidian.evaluation.analysis import COUPLING_PAIR, coordination_band

    with override("en"):
        assert coordination_band(0.95) == "High-quality coordination"
        assert coordination_band(0.05) == "Extreme imbalance"
        assert [gettext(name) for name, _codes in COUPLING_PAIR] == ["Population urbanization", "Land urbanization"]
    with override("zh-hans"):
        assert coordination_band(0.95) == "优质协调"


def test_one_chinese_word_two_english_meanings() -> None:
    """通知 is an official notice on a receipt but the notification centre's item; 办结 a date label and a button."""
    from shidian.exchange.models import NoticeReceipt
    from shidian.notifications.models import Notification

    with override("en"):
        assert str(NoticeReceipt._meta.get_field("notice").verbose_name) == "Notice"
        assert str(Notification._meta.verbose_name) == "Notifications"
        assert pgettext("closed on", "办结") == "Closed"
        assert gettext("办结") == "Close"
