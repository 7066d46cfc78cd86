"""Background work of the indicator system (django.tasks; tasks take ids, not objects)."""

from __future__ import annotations

from django.tasks import task


@task
def process_import_job(job_id: int) -> None:
    """Process a large indicator import in the background; the page polls its progress.

    Refusals met on the way are audited when the job ends, like at the end of a request.
    """
    from shidian.core import audit
    from shidian.indicators import imports

    with audit.refusals_recorded():
        imports.run_job(job_id)
