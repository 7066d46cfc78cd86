"""Background work of the evaluation (django.tasks; tasks take ids, not objects)."""

from __future__ import annotations

from django.tasks import task


@task
def compute_run_task(run_id: int) -> None:
    """Compute an evaluation run in the background; the run page polls its progress."""
    from shidian.evaluation.services import runs

    runs.run_job(run_id)
