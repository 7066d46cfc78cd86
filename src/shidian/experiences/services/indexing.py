"""An experience in the public search: its text, indexed when published, the whole index rebuilt."""

from __future__ import annotations

from django.urls import reverse

from shidian.core import search
from shidian.experiences.models import (
    Experience,
    ExperienceStatus,
)
from shidian.experiences.services._common import SEARCH_KIND


def search_text(experience: Experience) -> str:
    """The text search reads of an experience: pilot, focus area, batch, summary, body and results."""
    parts = [
        experience.pilot.name,
        experience.focus_area.name,
        experience.batch.name if experience.batch else "",
        experience.summary,
        experience.body,
        *(f"{r.what} {r.value}{r.unit}" for r in experience.results.all()),
    ]
    return "\n".join(p for p in parts if p)


def index_experience(experience: Experience) -> None:
    """Put a published experience into the search index (other statuses are never indexed)."""
    if not experience.is_published:
        search.remove_entry(kind=SEARCH_KIND, object_id=experience.pk)
        return
    search.index_entry(
        kind=SEARCH_KIND,
        object_id=experience.pk,
        title=experience.title,
        text=search_text(experience),
        url=reverse("experiences:detail", kwargs={"experience_id": experience.pk}),
        published=True,
        province_id=experience.pilot.province_id,
        pilot_id=experience.pilot_id,
        dated=experience.published_on,
    )


def reindex_experiences() -> int:
    """Rebuild the experiences' part of the search index (after a dictionary change, or a restore)."""
    published = list(
        Experience.objects.filter(status=ExperienceStatus.PUBLISHED).select_related("pilot", "focus_area", "batch")
    )
    for experience in published:
        index_experience(experience)
    search.remove_kind(SEARCH_KIND, keep=[e.pk for e in published])
    return len(published)
