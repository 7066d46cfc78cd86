"""The public search over published experiences and issued bulletins."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.core import search
from shidian.core.models import SearchEntry
from shidian.experiences.services import SEARCH_KIND as EXPERIENCE_KIND

BULLETIN_KIND = "bulletin"  # as bootstrap.search_index indexes issued bulletins (a test holds them equal)


SEARCH_KINDS = (EXPERIENCE_KIND, BULLETIN_KIND)


SEARCH_PAGE = 20


@dataclass(frozen=True)
class PublicHit:
    hit: search.Hit
    url: str
    kind_label: str


@dataclass
class PublicResults:
    results: search.Results
    hits: list[PublicHit]
    page: int
    pages: int


def _portal_url(entry: SearchEntry) -> str:
    """Where a reader who is not signed in reads the entry (the index keeps the signed-in address)."""
    if entry.kind == EXPERIENCE_KIND:
        return reverse("portal:experience", kwargs={"experience_id": entry.object_id})
    return reverse("portal:bulletins") + f"#bulletin-{entry.object_id}"


def public_search(query: str, page_number: str | None) -> PublicResults:
    """Published experiences and issued bulletins matching every word of ``query``, ranked and highlighted.

    Report text is never public (docs/portal.md "What is published"), so reports are not searched here.
    """
    try:
        page = max(1, min(int(page_number or 1), 50))
    except ValueError:
        page = 1
    results = search.search(
        query=query, public=True, kinds=SEARCH_KINDS, limit=SEARCH_PAGE, offset=(page - 1) * SEARCH_PAGE
    )
    labels = {EXPERIENCE_KIND: _("典型经验"), BULLETIN_KIND: _("评估通报")}
    hits = [PublicHit(hit=h, url=_portal_url(h.entry), kind_label=str(labels[h.entry.kind])) for h in results.hits]
    pages = max(1, -(-results.total // SEARCH_PAGE))
    return PublicResults(results=results, hits=hits, page=min(page, pages), pages=pages)
