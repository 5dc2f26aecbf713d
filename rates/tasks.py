"""Celery tasks for the rates: thin wrappers around services, passing primary keys only."""

from celery import shared_task
from django.utils import timezone

from .models import RateSnapshot
from .services import rate_snapshot_compute, rates_request_nightly
from .statutory_export import statutory_export_run


@shared_task(acks_late=True)
def rate_snapshot_compute_task(snapshot_id: int) -> str:
    """Compute one requested snapshot; safe to run twice (a finished snapshot is left as it is)."""
    status = RateSnapshot.objects.filter(pk=snapshot_id).values_list("status", flat=True).first()
    if status is None or status == RateSnapshot.Status.DONE:
        return status or "missing"
    return rate_snapshot_compute(snapshot_id=snapshot_id).status


@shared_task(acks_late=True)
def rates_nightly_task() -> int:
    """Scheduled by django-celery-beat (migration 0003): refresh every insurer's open fiscal years."""
    return len(rates_request_nightly(today=timezone.localdate()))


@shared_task(acks_late=True)
def statutory_export_task(export_id: int) -> str:
    """Build one requested statutory report archive (safe to run twice: a finished one is left as it is)."""
    return statutory_export_run(export_id=export_id).status
