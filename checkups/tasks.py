"""Celery tasks for checkups: thin wrappers around services, passing primary keys and numbers only."""

from celery import shared_task

from .services import checkups_restratify


@shared_task(acks_late=True)
def checkups_restratify_task(fiscal_year: int, insurer_id: int | None = None) -> int:
    """Restratify a whole fiscal year in batches; idempotent (the same inputs give the same results)."""
    return checkups_restratify(fiscal_year=fiscal_year, insurer_id=insurer_id)


@shared_task(acks_late=True)
def checkups_upload_process_task(upload_id: int) -> int:
    """Process (or resume) a large upload; idempotent: records already reported for it are skipped on retry."""
    from .uploads import upload_process

    return upload_process(upload_id=upload_id).done


@shared_task(acks_late=True)
def checkups_uploads_resume_task() -> int:
    """Every 5 minutes (config.celery beat_schedule): enqueue uploads stored while the broker was down
    or whose worker died; safe to run twice (the upload task resumes after its last committed chunk)."""
    from .uploads import uploads_resume_pending

    return len(uploads_resume_pending())
