"""Celery tasks for checkups: thin wrappers around services, passing primary keys and numbers only (the upload
tasks are the intake's: `intake.tasks`)."""

from celery import shared_task

from intake.services import checkups_restratify

from .export_runs import export_run_build
from .services import checkup_pk_slices

# A year's restratification runs as this many primary-key slices, one subtask each, so a worker of the imports
# queue with two processes (or two workers) judges them side by side (issue #3: 1,000,000 checkups in < 60 s on
# two cores). A prefork worker's process may not fork children of its own, hence subtasks, not `processes`.
RESTRATIFY_SLICES = 2


@shared_task(acks_late=True)
def checkups_restratify_task(fiscal_year: int, insurer_id: int | None = None, slices: int = RESTRATIFY_SLICES) -> int:
    """Restratify a whole fiscal year: enqueue one slice task per primary-key slice; returns how many."""
    bounds = checkup_pk_slices(fiscal_year=fiscal_year, insurer_id=insurer_id, parts=slices)
    for low, high in bounds:  # nothing to commit first: the slices are read from committed data
        checkups_restratify_slice_task.delay(fiscal_year, insurer_id, low, high)
    return len(bounds)


@shared_task(acks_late=True)
def checkups_restratify_slice_task(fiscal_year: int, insurer_id: int | None, low: int, high: int) -> int:
    """Restratify the year's checkups with primary keys in [low, high], in batches; idempotent (the same inputs
    give the same results, and unchanged rows are not written)."""
    return checkups_restratify(fiscal_year=fiscal_year, insurer_id=insurer_id, pk_range=(low, high))


@shared_task(acks_late=True)
def checkups_export_run_task(run_id: int) -> str:
    """Build one requested MHLW archive (safe to run twice: a finished run is left as it is)."""
    return export_run_build(run_id=run_id).status
