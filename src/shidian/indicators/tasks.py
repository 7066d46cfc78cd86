"""Background work of the indicator system (django.tasks; tasks take ids, not objects)."""

from __future__ import annotations

from django.tasks import task


@task
def process_import_job(job_id: int) -> None:
    """Process a large indicator import in the background; the page polls its progress."""
    from shidian.indicators import imports

    imports.run_job(job_id)
