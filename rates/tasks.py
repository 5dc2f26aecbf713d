"""Celery tasks for the rates, and the requests that create a pending row and hand it to them after commit.

The tasks are thin wrappers around services, passing primary keys only. A request lives here, next to its task,
so that services never import tasks (tasks import services: one direction, no cycle).
"""

import datetime as dt
from typing import Any

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from members.models import Insurer

from .models import RateSnapshot, StatutoryExport
from .services import rate_snapshot_compute, rate_snapshots_prune, rates_nightly_fiscal_years
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


# ---------------------------------------------------------------- requests: a pending row, computed after commit


@transaction.atomic
def rate_snapshot_request(*, insurer: Insurer, fiscal_year: int, requested_by_id: int | None = None) -> RateSnapshot:
    """Create a pending snapshot and compute it in the background once this transaction commits."""
    snapshot = RateSnapshot.objects.create(insurer=insurer, fiscal_year=fiscal_year, requested_by_id=requested_by_id)
    transaction.on_commit(lambda: rate_snapshot_compute_task.delay(snapshot.pk))
    return snapshot


def rates_request_nightly(*, today: dt.date) -> list[int]:
    """One snapshot per insurer and open fiscal year; returns the new snapshot ids."""
    rate_snapshots_prune(today=today)
    return [
        rate_snapshot_request(insurer=insurer, fiscal_year=year).pk
        for insurer in Insurer.objects.order_by("number")
        for year in rates_nightly_fiscal_years(today=today)
    ]


@transaction.atomic
def statutory_export_request(*, insurer: Insurer, fiscal_year: int, requested_by: Any) -> StatutoryExport:
    """Create a pending export and build it in the background once this transaction commits (eager in dev)."""
    export = StatutoryExport.objects.create(insurer=insurer, fiscal_year=fiscal_year, requested_by=requested_by)
    transaction.on_commit(lambda: statutory_export_task.delay(export.pk))
    return export
