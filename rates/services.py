"""Writes: request and compute rate snapshots (SPEC §6), nightly and on demand."""

import datetime as dt
import logging
import time

from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone

from members.codes import Relationship, Sex
from members.fiscal import fiscal_year_of
from members.models import Employer, Insurer

from . import figures
from .computation import fiscal_year_cells
from .db import large_query_settings
from .lookahead import additional_needed, finishable_programmes, open_guidance_years, programme_list_counts
from .models import RateSnapshot
from .periods import latest_initial_interview_for, reporting_deadline
from .reduction import ReductionInputs, reduction_inputs
from .selectors import Targets, targets_for
from .worklist_counts import SNAPSHOT_LISTS_KEY

logger = logging.getLogger(__name__)


def rates_nightly_fiscal_years(*, today: dt.date) -> list[int]:
    """Years whose figures can still change: the current one, and the previous one until its report (§5.4)."""
    return sorted({fiscal_year_of(today), *open_guidance_years(today=today)})


SNAPSHOT_HISTORY_DAYS = 90  # older snapshots are pruned, except the latest of each insurer and fiscal year


def rate_snapshots_prune(*, today: dt.date) -> int:
    """Delete old snapshots, keeping the latest finished one of every insurer and fiscal year."""
    keep = RateSnapshot.objects.finished().values("insurer", "fiscal_year").annotate(latest=Max("pk")).values("latest")
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=SNAPSHOT_HISTORY_DAYS), dt.time()))
    deleted, _ = RateSnapshot.objects.filter(requested_at__lt=cutoff).exclude(pk__in=keep).delete()
    return deleted


def _progress(snapshot: RateSnapshot, percent: int, **fields: object) -> None:
    # A plain UPDATE outside any transaction, so the admin's progress poll sees it while the task runs
    RateSnapshot.objects.filter(pk=snapshot.pk).update(progress=percent, **fields)


def _standard(inputs: ReductionInputs, base_strata: dict[figures.Stratum, tuple[int, int]]) -> dict:
    return inputs.standard if inputs.standard is not None else figures.own_receivers_standard(base_strata)


def _lookahead(*, insurer: Insurer, fiscal_year: int, today: dt.date, totals: figures.Totals, targets: Targets) -> dict:
    """Projection if nothing more is done, and what is still needed (only while the year is still open)."""
    if fiscal_year not in open_guidance_years(today=today):
        return {}
    deadline = reporting_deadline(fiscal_year)
    with large_query_settings():
        finishable = finishable_programmes(insurer_id=insurer.pk, today=today).filter(fiscal_year=fiscal_year).count()
        # the work lists' tab counts (rates.worklist_counts, for a large insurer), 終了が危ぶまれる among them
        lists = programme_list_counts(insurer_id=insurer.pk, fiscal_year=fiscal_year, today=today)
    at_risk = lists["at-risk"]
    guidance = totals.guidance
    reachable = figures.Fraction(min(guidance.numerator + finishable, guidance.denominator), guidance.denominator)
    return {
        "as_of": today.isoformat(),
        "reporting_deadline": deadline.isoformat(),
        "latest_initial_interview": latest_initial_interview_for(deadline).isoformat(),
        "checkup": {
            "projected_rate": totals.checkup.rate,
            "without_checkup": totals.checkup.denominator - totals.checkup.numerator,
            "needed": additional_needed(
                numerator=totals.checkup.numerator, denominator=totals.checkup.denominator, target=targets.checkup
            ),
        },
        "guidance": {
            "projected_rate": guidance.rate,
            "finishable": finishable,
            "reachable_rate": reachable.rate,
            "at_risk": at_risk,
            SNAPSHOT_LISTS_KEY: lists,
            "needed": additional_needed(
                numerator=guidance.numerator, denominator=guidance.denominator, target=targets.guidance
            ),
        },
    }


def _labels(insurer: Insurer) -> dict[str, dict]:
    employers = {
        pk: f"{code} {name}"
        for pk, code, name in Employer.objects.filter(insurer=insurer).values_list("pk", "code", "name")
    }
    return {
        "sex_labels": {value: str(label) for value, label in Sex.choices},
        "relationship_labels": {value: str(label) for value, label in Relationship.choices},
        "employer_labels": {**employers, None: "事業所なし"},
    }


def rate_snapshot_compute(*, snapshot_id: int, today: dt.date | None = None) -> RateSnapshot:
    """Fill one snapshot: two grouped queries per fiscal year, then sums over the cells (SPEC §6.1–§6.5)."""
    snapshot = RateSnapshot.objects.select_related("insurer").get(pk=snapshot_id)
    today = today or timezone.localdate()
    started = time.monotonic()
    insurer, year = snapshot.insurer, snapshot.fiscal_year
    try:
        _progress(snapshot, 5, status=RateSnapshot.Status.RUNNING, error="")
        cells = fiscal_year_cells(insurer_id=insurer.pk, fiscal_year=year)
        totals = figures.totals(cells)
        this_strata = figures.strata(cells)
        _progress(snapshot, 50)

        inputs = reduction_inputs(insurer=insurer)
        base_year = inputs.base_fiscal_year if inputs else None
        base_estimate = estimate = reduction = None
        if inputs is not None:  # SPEC §6.3: only against a base staff chose; FY2008 counts as they entered them
            if inputs.base_strata is not None:
                base_strata = inputs.base_strata
            elif inputs.base_fiscal_year == year:
                base_strata = this_strata
            else:
                base_strata = figures.strata(
                    fiscal_year_cells(insurer_id=insurer.pk, fiscal_year=inputs.base_fiscal_year)
                )
            standard = _standard(inputs, base_strata)
            base_estimate = figures.standardised_estimate(base_strata, standard)
            estimate = figures.standardised_estimate(this_strata, standard)
            reduction = figures.reduction_rate(base_estimate, estimate)
        _progress(snapshot, 80)

        targets = targets_for(insurer=insurer)
        lookahead = _lookahead(insurer=insurer, fiscal_year=year, today=today, totals=totals, targets=targets)
        _progress(snapshot, 95)

        snapshot.checkup_numerator = totals.checkup.numerator
        snapshot.checkup_denominator = totals.checkup.denominator
        snapshot.checkup_rate = totals.checkup.rate
        snapshot.guidance_numerator = totals.guidance.numerator
        snapshot.guidance_denominator = totals.guidance.denominator
        snapshot.guidance_rate = totals.guidance.rate
        snapshot.metabolic_base_year = base_year if reduction is not None else None
        snapshot.metabolic_base_estimate = base_estimate if reduction is not None else None
        snapshot.metabolic_estimate = estimate if reduction is not None else None
        snapshot.metabolic_reduction = reduction
        snapshot.breakdown = figures.breakdown(cells, **_labels(insurer))
        snapshot.strata = [
            {"sex": sex, "age_from": band, "receivers": receivers, "guidance_targets": targets_count}
            for (sex, band), (receivers, targets_count) in sorted(this_strata.items())
        ]
        snapshot.lookahead = lookahead
        snapshot.status = RateSnapshot.Status.DONE
        snapshot.progress = 100
        snapshot.computed_at = timezone.now()
        snapshot.duration_ms = int((time.monotonic() - started) * 1000)
        snapshot.save()
    except Exception as error:  # the admin shows the failure; the traceback goes to the log (no health values)
        logger.exception("rate snapshot %s failed", snapshot_id)
        _record_failure(snapshot, error)
    return snapshot


def _record_failure(snapshot: RateSnapshot, error: Exception) -> None:
    """Mark the snapshot failed, even when the error was the database connection itself (PostgreSQL restarted,
    backend terminated): a dead connection is dropped first so the UPDATE runs on a new one. If the database is
    still away the snapshot stays running; the API and dashboard read only finished snapshots either way."""
    if not connection.in_atomic_block and connection.errors_occurred and not connection.is_usable():
        connection.close()
    snapshot.status, snapshot.error = RateSnapshot.Status.FAILED, f"{type(error).__name__}: {error}"[:1000]
    try:
        RateSnapshot.objects.filter(pk=snapshot.pk).update(status=snapshot.status, error=snapshot.error)
        snapshot.refresh_from_db()
    except DatabaseError:
        logger.exception("rate snapshot %s: the failure could not be recorded", snapshot.pk)


def rate_snapshot_compute_now(*, insurer: Insurer, fiscal_year: int, today: dt.date | None = None) -> RateSnapshot:
    """Synchronous path (management command, demo, bench): create and compute in this process."""
    snapshot = RateSnapshot.objects.create(insurer=insurer, fiscal_year=fiscal_year)
    return rate_snapshot_compute(snapshot_id=snapshot.pk, today=today)
