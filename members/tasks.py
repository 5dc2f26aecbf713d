"""Celery tasks for the roster: thin wrappers around services, passing primary keys only."""

from celery import shared_task

from .models import RosterImport
from .roster import roster_confirm


@shared_task(acks_late=True)
def roster_import_apply_task(roster_import_id: int) -> str:
    """Apply a previewed roster file; safe to run twice (a second run finds it applied and stops)."""
    record = RosterImport.objects.select_related("insurer").get(pk=roster_import_id)
    if record.status != RosterImport.Status.PREVIEWED:
        return record.status
    return roster_confirm(roster_import=record).status
