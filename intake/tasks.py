"""The intake's Celery tasks and the queue around them: hand a stored upload to a worker, and enqueue again the
uploads a lost message or a dead worker left behind (SPEC §9.5: nothing received is lost).

The task names stay `checkups.tasks.…` (where they were registered before the intake became an app of its own), so
messages already queued, the beat schedule and the `imports` queue route keep working.
"""

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from checkups.models import Upload

from .upload_chunks import upload_process

logger = logging.getLogger(__name__)

# An upload still received/processing this long after it arrived is enqueued again: its message was never sent
# (broker down at intake) or its worker died. A second run of a live one is safe (row lock, resumes after the
# last committed chunk), so the delay only trades duplicate work against waiting.
RESUME_AFTER = dt.timedelta(minutes=10)


@shared_task(name="checkups.tasks.checkups_upload_process_task", acks_late=True)
def checkups_upload_process_task(upload_id: int) -> int:
    """Process (or resume) a large upload; idempotent: records already reported for it are skipped on retry."""
    return upload_process(upload_id=upload_id).done


@shared_task(name="checkups.tasks.checkups_uploads_resume_task", acks_late=True)
def checkups_uploads_resume_task() -> int:
    """Every 5 minutes (config.celery beat_schedule): enqueue uploads stored while the broker was down
    or whose worker died; safe to run twice (the upload task resumes after its last committed chunk)."""
    return len(uploads_resume_pending())


def upload_enqueue(*, upload_id: int) -> bool:
    """Hand a stored upload to a Celery worker; False when the broker (Redis) cannot be reached.

    The upload is already committed (status received), so the clinic gets its 202 either way and nothing is
    half-stored; `uploads_resume_pending` (checkups_uploads_resume_task, every 5 minutes) enqueues it again
    once the broker is back.
    """
    try:
        checkups_upload_process_task.delay(upload_id)
    except BrokerUnavailable:
        logger.warning("upload %s stored but not enqueued (broker unavailable); it will be resumed", upload_id)
        return False
    return True


def uploads_resume_pending(*, now: dt.datetime | None = None, stale_after: dt.timedelta = RESUME_AFTER) -> list[int]:
    """Enqueue again every upload left received or processing for `stale_after`; returns their ids.

    Command imports keep no copy of the file (the operator re-runs the command), so only uploads with their
    content stored are resumed.
    """
    cutoff = (now or timezone.now()) - stale_after
    pending = list(
        Upload.objects.filter(status__in=(Upload.Status.RECEIVED, Upload.Status.PROCESSING), created_at__lte=cutoff)
        .exclude(kind=Upload.Kind.JSON)
        .exclude(content=b"")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for upload_id in pending:
        if not upload_enqueue(upload_id=upload_id):
            break  # the broker is still down: the next run tries again
    return pending
