"""Published experiences by theme, batch and pilot, and their photos."""

from __future__ import annotations

from dataclasses import dataclass

from shidian.experiences import selectors as experience_selectors
from shidian.experiences.models import Adoption, Experience, ExperienceFile, ExperienceResult, FileKind, PromotionBatch
from shidian.pilots.models import PilotArea
from shidian.plans.models import FocusArea


@dataclass
class ExperiencePage:
    experience: Experience
    results: list[ExperienceResult]
    photos: list[ExperienceFile]
    adoptions: list[Adoption]


def experience_page(experience_id: int) -> ExperiencePage:
    """One published experience with its results, photos and where it spread; NotFound for anything else."""
    experience = experience_selectors.get_published(experience_id)
    return ExperiencePage(
        experience=experience,
        results=list(experience.results.all()),
        photos=experience_selectors.public_photos(experience),
        adoptions=experience_selectors.adoptions_of(experience),
    )


def experiences_overview() -> tuple[list[tuple[FocusArea, int]], list[PromotionBatch]]:
    """The themes holding published experiences (with counts) and the promotion batches with theirs."""
    return experience_selectors.published_themes(), experience_selectors.promotion_batches()


def theme_experiences(code: str) -> tuple[FocusArea, list[Experience]]:
    """A theme (focus area) and its published experiences, newest first; NotFound for an unknown or empty one."""
    theme = experience_selectors.get_published_theme(code)
    return theme, list(experience_selectors.published(theme.code))


def batch_experiences(batch_id: int) -> tuple[PromotionBatch, list[Experience]]:
    """A promotion batch and its published experiences; NotFound for one without any."""
    batch = experience_selectors.get_promotion_batch(batch_id)
    return batch, list(getattr(batch, "published_experiences", []))


def pilot_experiences(pilot: PilotArea) -> list[Experience]:
    return list(experience_selectors.published_for_pilot(pilot))


def experience_photo(file_id: int) -> ExperienceFile:
    """A photo of a published experience; NotFound for an attachment, or a file of an unpublished one."""
    return experience_selectors.published_file(file_id, kind=FileKind.PHOTO)
