"""Celery tasks of 特定保健指導: thin wrappers around services, passing primary keys only; safe to run twice."""

from celery import shared_task

from .completion import OPEN_STATUSES
from .models import Programme
from .services import programmes_refresh, programmes_sync_for_checkups


@shared_task(acks_late=True)
def programmes_sync_task(checkup_ids: list[int]) -> int:
    """Create/re-level/remove not-started programmes after checkups were (re)stratified (SPEC §5.1)."""
    return programmes_sync_for_checkups(checkup_ids=checkup_ids)


@shared_task(acks_late=True)
def programmes_refresh_open_task() -> int:
    """Daily: next actions move with the date (no contact for 60 days, final evaluation overdue, SPEC §5.6)."""
    open_ids = Programme.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True).iterator()
    return programmes_refresh(programme_ids=open_ids)
