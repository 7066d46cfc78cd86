"""What the public portal shows: only published things, the same for every reader.

The portal has no signed-in user, so there is no scope to narrow by: each reader here decides, once, what is
published (docs/portal.md, "What is published"), and nothing else is read:

- the registry's public facts of every pilot (name, province, batch, level, status, admission and status dates);
- its focus areas and progress from its latest *approved* plan version only (goals, tasks, milestones done);
- the rounds of its *accepted* reports (that a report was accepted, never its text);
- grades of *published* evaluation runs; bulletins of published runs once issued (numbered);
- *published* news items;
- *published* typical experiences (experiences.selectors' public surface): text, results, photos, adoptions;
- the search index's *published* entries (published experiences, issued bulletins).
Drafts, returned or submitted versions, contacts, unpublished runs, objections, proposals and warnings not
yet decided are never read here.

One module per domain object or step; callers import the package (``from shidian.portal import selectors``)
and use the names re-exported here.
"""

from shidian.portal.selectors.bulletins import get_issued_bulletin, issued_bulletins
from shidian.portal.selectors.experiences import (
    ExperiencePage,
    batch_experiences,
    experience_page,
    experience_photo,
    experiences_overview,
    pilot_experiences,
    theme_experiences,
)
from shidian.portal.selectors.news import get_news_for, get_published_news, news_for, news_image, published_news
from shidian.portal.selectors.pilots import (
    PAGE_SIZE,
    PilotPage,
    PilotRow,
    PublicFilters,
    PublishedGrade,
    TaskFacts,
    Tile,
    approved_version_ids,
    filter_public_pilots,
    focus_areas_by_pilot,
    focus_areas_in_use,
    get_public_pilot,
    pilot_page,
    pilot_page_rows,
    province_tiles,
    public_pilots,
    registry_rows,
)
from shidian.portal.selectors.programme import Milepost, batches_with_counts, programme, status_counts
from shidian.portal.selectors.search import (
    BULLETIN_KIND,
    SEARCH_KINDS,
    SEARCH_PAGE,
    PublicHit,
    PublicResults,
    public_search,
)

__all__ = [
    "BULLETIN_KIND",
    "PAGE_SIZE",
    "SEARCH_KINDS",
    "SEARCH_PAGE",
    "ExperiencePage",
    "Milepost",
    "PilotPage",
    "PilotRow",
    "PublicFilters",
    "PublicHit",
    "PublicResults",
    "PublishedGrade",
    "TaskFacts",
    "Tile",
    "approved_version_ids",
    "batch_experiences",
    "batches_with_counts",
    "experience_page",
    "experience_photo",
    "experiences_overview",
    "filter_public_pilots",
    "focus_areas_by_pilot",
    "focus_areas_in_use",
    "get_issued_bulletin",
    "get_news_for",
    "get_public_pilot",
    "get_published_news",
    "issued_bulletins",
    "news_for",
    "news_image",
    "pilot_experiences",
    "pilot_page",
    "pilot_page_rows",
    "programme",
    "province_tiles",
    "public_pilots",
    "public_search",
    "published_news",
    "registry_rows",
    "status_counts",
    "theme_experiences",
]
