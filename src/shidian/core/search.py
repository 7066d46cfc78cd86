"""Chinese full-text search: segment with rjieba, index per database, rank, highlight (docs/experiences.md).

Chinese has no spaces between words, so text is cut into words before indexing. The segmenter is rjieba, the
Rust port of jieba (jieba-rs) with a Python binding: maintained, fast, and it ships jieba's dictionary. Indexed
text is cut in *search mode*, which emits a long word and its dictionary sub-words (户籍制度 → 户籍, 制度,
户籍制度); a query is cut in precise mode (its longest words), so 户籍, 土地 and 增减挂钩 all find
户籍制度改革, 农村土地 and 城乡建设用地增减挂钩.

The words are stored space-separated in ``SearchEntry`` and indexed by the database:

* PostgreSQL: a ``tsvector`` column (migration 0006) with a GIN index, written from our own lexemes
  (``'户籍':1A``...) so no text-search parser or locale decides where Chinese words end; queries are
  ``tsquery`` values built from the query's words (``'户籍' & '改革'``), ranked by ``ts_rank`` (title
  weighted A, text B).
* SQLite: an FTS5 table (``core_searchentry_fts``, kept by triggers) over the same words, ranked by ``bm25``
  with the title weighted higher; the MATCH expression is built from quoted words.

Either way a query is only ever the user's words reduced to letters and digits (``\\w``), quoted by us: no
operator, quote or bracket of the user reaches MATCH or ``to_tsquery``. Matched words are highlighted in
Python (escaped HTML with ``<mark>``), the same on both databases.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import rjieba
from django.db import connection, transaction
from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from shidian.core import scoping
from shidian.core.models import SearchEntry

if TYPE_CHECKING:
    from shidian.core.actors import Actor

QUERY_MAX_CHARS = 100  # longer queries are cut here (and the user is told)
QUERY_MAX_WORDS = 12
CANDIDATES = 500  # ranked matches read from the index before scoping
TEXT_MAX_CHARS = 200_000

# Programme terms the jieba dictionary lacks, so they are one word (and still found by their parts).
PROGRAMME_WORDS = (
    "增减挂钩",
    "多规合一",
    "永久基本农田",
    "城镇开发边界",
    "存量建设用地",
    "宅基地",
    "市民化",
    "产城融合",
    "农民工",
    "试点",
)

_WORD = re.compile(r"\w+")


@functools.cache
def _segmenter() -> rjieba.Jieba:
    jieba = rjieba.Jieba()
    for word in PROGRAMME_WORDS:
        jieba.add_word(word, None, None)
    return jieba


def _words(tokens: Iterable[str]) -> list[str]:
    """Keep letters and digits only (punctuation, spaces and operators drop out), lower-cased."""
    kept: list[str] = []
    for token in tokens:
        kept.extend(part.lower() for part in _WORD.findall(token))
    return kept


def index_words(text: str) -> list[str]:
    """The words of ``text`` as indexed: search mode (long words and their dictionary sub-words)."""
    return _words(_segmenter().cut_for_search(text[:TEXT_MAX_CHARS]))


@dataclass(frozen=True)
class Query:
    """A user's query reduced to words; ``truncated`` when it was longer than the platform reads."""

    text: str
    words: tuple[str, ...]
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.words


def parse_query(raw: str) -> Query:
    """Cut the query in precise mode into at most QUERY_MAX_WORDS distinct words (letters and digits only)."""
    raw = (raw or "").strip()
    truncated = len(raw) > QUERY_MAX_CHARS
    text = raw[:QUERY_MAX_CHARS]
    words = list(dict.fromkeys(_words(_segmenter().cut(text))))
    if len(words) > QUERY_MAX_WORDS:
        words, truncated = words[:QUERY_MAX_WORDS], True
    return Query(text=text, words=tuple(words), truncated=truncated)


# -- the index ------------------------------------------------------------------------------------------


def _tsvector(title_words: Sequence[str], body_words: Sequence[str]) -> str:
    """A tsvector literal of our own lexemes with positions, the title weighted A and the text B."""
    positions: dict[str, list[str]] = {}
    position = 0
    for weight, words in (("A", title_words), ("B", body_words)):
        for word in words:
            position = min(position + 1, 16383)  # the largest position a tsvector holds
            positions.setdefault(word, []).append(f"{position}{weight}")
    # \w words hold no quote or backslash; escape anyway, as the tsvector input syntax asks.
    return " ".join(
        "'{}':{}".format(word.replace("\\", "\\\\").replace("'", "''"), ",".join(pos[:256]))
        for word, pos in positions.items()
    )


@transaction.atomic
def index_entry(
    *,
    kind: str,
    object_id: int,
    title: str,
    text: str,
    url: str,
    published: bool,
    province_id: int | None,
    pilot_id: int | None,
    dated: Any = None,
    capability: str = "",
) -> SearchEntry:
    """Create or replace the entry of one object (apps call this when they publish or accept something)."""
    title_words = index_words(title)
    body_words = index_words(text)
    entry, _created = SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "title": title[:300],
            "text": text[:TEXT_MAX_CHARS],
            "title_tokens": " ".join(title_words),
            "body_tokens": " ".join(body_words),
            "url": url,
            "is_published": published,
            "capability": capability,
            "province_id": province_id,
            "pilot_id": pilot_id,
            "dated": dated,
        },
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_searchentry SET vector = %s::tsvector WHERE id = %s",
                [_tsvector(title_words, body_words), entry.pk],
            )
    return entry


def remove_entry(*, kind: str, object_id: int) -> None:
    """Take one object out of the index (the SQLite trigger removes its FTS row)."""
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


def remove_kind(kind: str, *, keep: Iterable[int] = ()) -> int:
    """Remove the entries of ``kind`` except those of ``keep`` (a rebuild drops what is no longer there)."""
    deleted, _by_model = SearchEntry.objects.filter(kind=kind).exclude(object_id__in=list(keep)).delete()
    return deleted


def _ranked_ids(words: Sequence[str]) -> dict[int, float]:
    """Ids of the entries holding every word, with their rank (higher is better), best CANDIDATES first."""
    if connection.vendor == "postgresql":
        tsquery = " & ".join("'{}'".format(w.replace("\\", "\\\\").replace("'", "''")) for w in words)
        sql = (
            "SELECT id, ts_rank(vector, %s::tsquery) AS r FROM core_searchentry "
            "WHERE vector @@ %s::tsquery ORDER BY r DESC, id LIMIT %s"
        )
        params: list[Any] = [tsquery, tsquery, CANDIDATES]
    else:
        match = " AND ".join(f'"{w}"' for w in words)  # \w words hold no double quote
        sql = (
            "SELECT rowid, -bm25(core_searchentry_fts, 5.0, 1.0) AS r FROM core_searchentry_fts "
            "WHERE core_searchentry_fts MATCH %s ORDER BY r DESC, rowid LIMIT %s"
        )
        params = [match, CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(row[0]): float(row[1]) for row in cursor.fetchall()}


def _visible(user: Actor, public: bool) -> Q | None:
    """Published entries for everyone; unpublished ones within the user's scope and capability."""
    published = Q(is_published=True)
    if public:
        return published
    scope = scoping.scope_for(user)
    if not scope.sees_business_data:
        return None
    allowed = scoping.restrict(SearchEntry.objects.filter(is_published=False), user)
    capabilities = [c for c in scope.capabilities] + [""]
    return published | Q(pk__in=allowed.filter(capability__in=capabilities).values("pk"))


# -- results and highlighting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    entry: SearchEntry
    rank: float
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class Results:
    query: Query
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    notice: str = ""


def _spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Where the words occur in ``text`` (case-insensitive), overlapping spans merged."""
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for word in words:
        start = lowered.find(word)
        while start != -1:
            spans.append((start, start + len(word)))
            start = lowered.find(word, start + len(word))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, words: Sequence[str], *, width: int | None = None) -> SafeString:
    """``text`` escaped, its matched words in ``<mark>``; with ``width``, a window around the first match."""
    spans = _spans(text, words)
    begin, end = 0, len(text)
    if width is not None and len(text) > width:
        first = spans[0][0] if spans else 0
        begin = max(0, first - width // 4)
        end = min(len(text), begin + width)
    out: list[str] = ["…" if begin > 0 else ""]
    cursor = begin
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:stop])}</mark>")
        cursor = stop
    out.append(html.escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return mark_safe("".join(out))  # noqa: S308 - every piece of user text above is escaped


def search(
    *,
    query: str,
    user: Actor = None,
    public: bool = False,
    kinds: Iterable[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Results:
    """Ranked, highlighted entries matching every word of ``query`` that ``user`` may see.

    ``public`` searches only what is published (the portal); otherwise published entries and the
    unpublished ones inside the user's scope and capabilities (a signed-in search).
    """
    parsed = parse_query(query)
    results = Results(query=parsed)
    if parsed.truncated:
        results.notice = _("检索词过长，只按前 %(chars)d 个字、%(words)d 个词检索。") % {
            "chars": QUERY_MAX_CHARS,
            "words": QUERY_MAX_WORDS,
        }
    if parsed.is_empty:
        return results
    visible = _visible(user, public)
    if visible is None:
        return results
    ranked = _ranked_ids(parsed.words)
    if not ranked:
        return results
    rows = SearchEntry.objects.filter(visible, pk__in=list(ranked))
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    entries = sorted(rows, key=lambda e: (-ranked[e.pk], -(e.dated.toordinal() if e.dated else 0), e.pk))
    results.total = len(entries)
    for entry in entries[offset : offset + limit]:
        results.hits.append(
            Hit(
                entry=entry,
                rank=ranked[entry.pk],
                title_html=highlight(entry.title, parsed.words),
                snippet_html=highlight(entry.text, parsed.words, width=120),
            )
        )
    return results
