"""Judging checkups (SPEC §2, §3, §6.1): choose the counted checkup of a person's year, then (re)compute the
judgments of some checkups or of a whole fiscal year in batches — a few queries per batch, never one per person —
so a single upload and the nightly restratification of a million checkups run the same code.

Programmes follow through the `ProgrammeLink` the caller passes (issue #12: the intake passes guidance's; checkups
never import guidance)."""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from infra.bulk import commit_asynchronously, forked_map, gc_paused, may_fork_database_work, update_by_id

from .judge_batches import JudgeScope, judge_batch, read_batch
from .judgments import RESULT_FIELDS
from .models import Checkup
from .programme_link import ProgrammeLink

JUDGE_BATCH_SIZE = 5000


def checkups_choose_counted(*, person_ids: Iterable[int], fiscal_years: Iterable[int]) -> list[int]:
    """One counted checkup per person and fiscal year (SPEC §6.1, §7.1; issue #6): the complete one, else the
    earlier. Both records are kept; the other is marked as not counted. Returns the checkups whose counting
    changed (each must be judged again: only a counted checkup carries a guidance programme, SPEC §5.1)."""
    rows = (
        Checkup.objects.filter(person_id__in=list(person_ids), fiscal_year__in=list(fiscal_years))
        .order_by("person_id", "fiscal_year", "-is_complete", "exam_date", "pk")
        .values_list("pk", "person_id", "fiscal_year", "counts_for_fiscal_year")
    )
    chosen: dict[tuple[int, int], int] = {}
    current: dict[int, bool] = {}
    for pk, person_id, fiscal_year, counted in rows:
        chosen.setdefault((person_id, fiscal_year), pk)
        current[pk] = counted
    winners = set(chosen.values())
    losers = [pk for pk, counted in current.items() if counted and pk not in winners]
    gainers = [pk for pk in winners if not current[pk]]
    if losers:  # unset first: the partial unique constraint allows one counted checkup per person-year
        Checkup.objects.filter(pk__in=losers).update(counts_for_fiscal_year=False)
    if gainers:
        Checkup.objects.filter(pk__in=gainers).update(counts_for_fiscal_year=True)
    return [*losers, *gainers]


def checkups_judge(
    *,
    programmes: ProgrammeLink | None,
    checkup_ids: Sequence[int] | None = None,
    fiscal_year: int | None = None,
    insurer_id: int | None = None,
    batch_size: int = JUDGE_BATCH_SIZE,
    on_progress: Callable[[int, int], None] | None = None,
    processes: int = 1,
    pk_range: tuple[int, int] | None = None,
) -> int:
    """(Re)compute the judgments of the given checkups, or of a whole fiscal year, in batches.

    Only rows whose judgment changed are written (and get a new `stratified_at`). With `programmes`, guidance
    programmes are synced where a programme's inputs changed: for the given `checkup_ids` (an upload, a
    correction: the exam values a programme reads may have changed), every row that has or needs a programme;
    for a whole-year run, the rows whose guidance level, medication exclusion or consecutive-intensive flag
    changed, and rows whose programme is out of step with their level (none where one is needed, or one where
    none is). A changed judgment record alone (e.g. a new rule-set version) touches no programme. `processes` > 1
    splits a whole-year run into that many primary-key slices, each judged in its own process and database
    connection (PostgreSQL, outside a transaction, not inside a daemonic worker process); otherwise it runs here.
    """
    scope = JudgeScope(
        checkup_ids=None if checkup_ids is None else list(checkup_ids),
        fiscal_year=fiscal_year,
        insurer_id=insurer_id,
        pk_range=pk_range,
    )
    if processes > 1 and checkup_ids is None and may_fork_database_work():
        return _judge_in_processes(
            scope.queryset(),
            processes=processes,
            fiscal_year=fiscal_year,
            insurer_id=insurer_id,
            batch_size=batch_size,
            programmes=programmes,
            pk_range=pk_range,
        )
    bulk = checkup_ids is None
    total = scope.queryset().count() if on_progress else 0
    done, last_pk = 0, 0
    while True:
        batch = read_batch(scope, after=last_pk, limit=batch_size, programmes=programmes)
        if not batch:
            break
        last_pk = batch[-1][0]
        with gc_paused():  # a batch allocates ~100 objects per row, none cyclic: collections would only rescan
            results, to_sync, ages = judge_batch(batch, sync_all=not bulk, programmes=programmes)
        with transaction.atomic():
            if bulk:  # a whole-year run is recomputable: a crash may lose the last batches (a re-run writes them)
                commit_asynchronously()
            _write_batch(results, ages)
            if to_sync and programmes is not None:
                programmes.sync(to_sync)
        done += len(batch)
        if on_progress:
            on_progress(done, total)
    return done


def _write_batch(results: list[tuple[Any, ...]], ages: list[tuple[int, int]]) -> None:
    """The changed judgments, then the refreshed age basis (before the programme sync, which reads it)."""
    if results:
        _write_results(results, stratified_at=timezone.now())
    if ages:
        Checkup.objects.bulk_update(
            [Checkup(pk=pk, age_at_fy_end=age) for pk, age in ages], ["age_at_fy_end"], batch_size=1000
        )


def checkup_pk_slices(*, fiscal_year: int, insurer_id: int | None = None, parts: int) -> list[tuple[int, int]]:
    """`parts` primary-key ranges of about equal row counts covering a fiscal year's checkups (for parallel
    judging: `processes`, or one Celery subtask per slice)."""
    base = Checkup.objects.filter(fiscal_year=fiscal_year)
    if insurer_id is not None:
        base = base.filter(insurer_id=insurer_id)
    return _pk_slices(base, parts=parts, pk_range=None)


def _pk_slices(base: Any, *, parts: int, pk_range: tuple[int, int] | None) -> list[tuple[int, int]]:
    ids = base.order_by("pk").values_list("pk", flat=True)
    count = ids.count()
    if not count:
        return []
    parts = max(1, min(parts, count))
    bounds = []
    for i in range(parts):
        start = ids[count * i // parts] if i else 0
        end = ids[count * (i + 1) // parts - 1] if i < parts - 1 else None
        bounds.append((start, end))
    low, high = pk_range or (0, 2**62)
    return [(max(low, start), min(high, end if end is not None else high)) for start, end in bounds]


def _judge_in_processes(
    base: Any,
    *,
    processes: int,
    pk_range: tuple[int, int] | None,
    **kwargs: Any,
) -> int:
    """Split the primary-key range into `processes` slices of about equal row counts and judge them in parallel."""
    slices = _pk_slices(base, parts=processes, pk_range=pk_range)
    if not slices:
        return 0
    return sum(forked_map(checkups_judge, [{**kwargs, "pk_range": s, "processes": 1} for s in slices]))


def _write_results(results: list[tuple[Any, ...]], *, stratified_at: dt.datetime) -> None:
    """Store the changed judgments: rows of (pk, *RESULT_FIELDS values); an unchanged row is never rewritten."""
    update_by_id(Checkup, RESULT_FIELDS, results, also={"stratified_at": stratified_at})
