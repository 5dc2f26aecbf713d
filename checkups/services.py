"""Write paths for checkups: store a received record, judge (one or a whole fiscal year), correct an item.

Every path ends in `checkups_judge`, which works in batches (a few queries per batch, never one per person),
so a single upload and the nightly restratification of a million checkups run the same code.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from members.fiscal import age_at_fiscal_year_end, fiscal_year_of
from members.matching import person_match
from members.models import Clinic, Employer, InsuredPerson, Insurer

from .items import columns_from_items
from .judgments import PREVIOUS_FIELDS, READ_FIELDS, RESULT_FIELDS, judge_row
from .mhlw.document import CheckupDocument, Observation
from .mhlw.itemtable import item
from .mhlw.validation import RecordError, validate_observation
from .models import Checkup, CheckupCorrection, HeldRecord

JUDGE_BATCH_SIZE = 5000
_MODEL_FIELDS = {f.name for f in Checkup._meta.get_fields()}


@dataclass(frozen=True)
class StoreResult:
    checkup: Checkup | None
    held: HeldRecord | None
    created: bool


class CorrectionRefused(Exception):
    def __init__(self, errors: list[RecordError]) -> None:
        super().__init__("; ".join(e.message_en for e in errors))
        self.errors = errors


def _clinic_for(document: CheckupDocument) -> Clinic | None:
    number = document.clinic_number or document.author_org_number
    if not number or len(number) != 10 or not number.isdigit():
        return None
    clinic, _ = Clinic.objects.get_or_create(number=number, defaults={"name": document.clinic_name or number})
    return clinic


@transaction.atomic
def checkup_receive(
    *,
    insurer: Insurer,
    document: CheckupDocument,
    source: str,
    submitted_by_clinic: Clinic | None = None,
    submitted_by_employer: Employer | None = None,
    missing_items: Sequence[dict[str, Any]] = (),
) -> StoreResult:
    """Match the record to a person (SPEC §1.5) and store it, or hold it for staff review."""
    match = person_match(
        insurer=insurer,
        card_symbol=document.card_symbol,
        card_number=document.card_number,
        card_branch=document.card_branch,
        birth_date=document.birth_date,
        sex=document.sex,
    )
    if match.person is None:
        held = HeldRecord.objects.create(
            insurer=insurer,
            submitted_by_clinic=submitted_by_clinic,
            submitted_by_employer=submitted_by_employer,
            source=source,
            document={**document.to_json(), "missing_items": list(missing_items)},
            exam_date=document.exam_date,
            reason_ja=match.reason_ja,
            reason_en=match.reason_en,
        )
        return StoreResult(checkup=None, held=held, created=False)
    checkup, created = checkup_store(
        person=match.person,
        document=document,
        source=source,
        submitted_by_clinic=submitted_by_clinic,
        submitted_by_employer=submitted_by_employer,
        missing_items=missing_items,
    )
    return StoreResult(checkup=checkup, held=None, created=created)


@transaction.atomic
def checkup_store(
    *,
    person: InsuredPerson,
    document: CheckupDocument,
    source: str,
    submitted_by_clinic: Clinic | None = None,
    submitted_by_employer: Employer | None = None,
    missing_items: Sequence[dict[str, Any]] = (),
) -> tuple[Checkup, bool]:
    """Store one exam (one record per person, exam date and program; a re-send replaces it) and judge it."""
    exam_date = document.exam_date
    fiscal_year = fiscal_year_of(exam_date)
    items = document.items_dict()
    columns = {k: v for k, v in columns_from_items(items, fiscal_year=fiscal_year).items() if k in _MODEL_FIELDS}
    checkup, created = Checkup.objects.update_or_create(
        person=person,
        exam_date=exam_date,
        program=document.program,
        defaults={
            "insurer_id": person.insurer_id,
            "clinic": _clinic_for(document),
            "submitted_by_clinic": submitted_by_clinic,
            "submitted_by_employer": submitted_by_employer,
            "fiscal_year": fiscal_year,
            "age_at_fy_end": age_at_fiscal_year_end(person.birth_date, fiscal_year),
            "source": source,
            "items": items,
            "is_complete": not missing_items,
            "missing_items": list(missing_items),
            "counts_for_fiscal_year": False,  # decided below, among all of the person's checkups of the year
            **columns,
        },
    )
    checkups_choose_counted(person_ids=[person.pk], fiscal_years=[fiscal_year])
    checkups_judge(checkup_ids=[checkup.pk])
    checkup.refresh_from_db()
    return checkup, created


def checkups_choose_counted(*, person_ids: Iterable[int], fiscal_years: Iterable[int]) -> None:
    """One counted checkup per person and fiscal year (SPEC §6.1, §7.1; issue #6): the complete one, else the
    earlier. Both records are kept; the other is marked as not counted."""
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


def checkups_judge(
    *,
    checkup_ids: Sequence[int] | None = None,
    fiscal_year: int | None = None,
    insurer_id: int | None = None,
    batch_size: int = JUDGE_BATCH_SIZE,
    on_progress: Callable[[int, int], None] | None = None,
    sync_programmes: bool = True,
    processes: int = 1,
    pk_range: tuple[int, int] | None = None,
) -> int:
    """(Re)compute the judgments of the given checkups, or of a whole fiscal year, in batches.

    Only rows whose judgment changed are written (and get a new `stratified_at`); guidance programmes are synced
    for those rows and for rows whose programme is out of step with their level (none where one is needed, or a
    not-started one where none is). `processes` > 1 splits a whole-year run into that many primary-key slices,
    each judged in its own process and database connection (PostgreSQL, outside a transaction, not inside a
    daemonic worker process); otherwise it runs here.
    """
    base = Checkup.objects.all()
    if checkup_ids is not None:
        base = base.filter(pk__in=list(checkup_ids))
    if fiscal_year is not None:
        base = base.filter(fiscal_year=fiscal_year)
    if insurer_id is not None:
        base = base.filter(insurer_id=insurer_id)
    if pk_range is not None:
        base = base.filter(pk__gte=pk_range[0], pk__lte=pk_range[1])
    if processes > 1 and checkup_ids is None and _can_fork():
        return _judge_in_processes(
            base,
            processes=processes,
            fiscal_year=fiscal_year,
            insurer_id=insurer_id,
            batch_size=batch_size,
            sync_programmes=sync_programmes,
            pk_range=pk_range,
        )
    total = base.count() if on_progress else 0
    done, last_pk = 0, 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":  # JIT compiling costs more than this short query takes
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
            batch = list(
                base.filter(pk__gt=last_pk)
                .order_by("pk")
                .annotate(**_PREVIOUS_ANNOTATIONS)
                .values("pk", "person_id", "person__sex", *READ_FIELDS, *RESULT_FIELDS, *_PREVIOUS_ANNOTATIONS)[
                    :batch_size
                ]
            )
        if not batch:
            break
        last_pk = batch[-1]["pk"]
        now = timezone.now()
        results = []
        for row in batch:
            result = judge_row(row, sex=row["person__sex"], previous=_previous_of(row))
            # a re-run mostly finds the same judgment: compare here and write only what changed
            if any(result[name] != row[name] for name in RESULT_FIELDS):
                results.append({"pk": row["pk"], **result, "stratified_at": now})
        with transaction.atomic():
            changed = _write_results(results) if results else []
            if sync_programmes:
                from guidance.services import programmes_sync_for_checkups

                batch_ids = [row["pk"] for row in batch]
                to_sync = set(changed) | set(_programmes_out_of_step(batch_ids))
                if to_sync:
                    programmes_sync_for_checkups(checkup_ids=sorted(to_sync))
        done += len(batch)
        if on_progress:
            on_progress(done, total)
    return done


def _previous_subquery(field: str) -> Subquery:
    """Last fiscal year's counted checkup of the same person (SPEC §2.8): one index probe per row, in the batch
    query (the partial unique index on person and fiscal year for counted checkups)."""
    return Subquery(
        Checkup.objects.filter(
            person_id=OuterRef("person_id"), fiscal_year=OuterRef("fiscal_year") - 1, counts_for_fiscal_year=True
        )
        .order_by()
        .values(field)[:1]
    )


_PREVIOUS_ANNOTATIONS = {f"previous_{name}": _previous_subquery(name) for name in PREVIOUS_FIELDS}


def _previous_of(row: dict[str, Any]) -> dict[str, Any] | None:
    previous = {name: row[f"previous_{name}"] for name in PREVIOUS_FIELDS}
    return previous if previous["guidance_level"] is not None else None


def _can_fork() -> bool:
    import multiprocessing

    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and not multiprocessing.current_process().daemon  # e.g. a Celery prefork child: no children allowed
    )


def _judge_slice(kwargs: dict[str, Any]) -> int:
    """Runs in a forked child: a fresh connection (the parent's were closed before the fork)."""
    from django.db import connections

    try:
        return checkups_judge(**kwargs)
    finally:
        connections.close_all()


def _judge_in_processes(
    base: Any,
    *,
    processes: int,
    pk_range: tuple[int, int] | None,
    **kwargs: Any,
) -> int:
    """Split the primary-key range into `processes` slices of about equal row counts and judge them in parallel."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    ids = base.order_by("pk").values_list("pk", flat=True)
    count = ids.count()
    if not count:
        return 0
    bounds = []
    for i in range(processes):
        start = ids[count * i // processes] if i else 0
        end = ids[count * (i + 1) // processes - 1] if i < processes - 1 else None
        bounds.append((start, end))
    low, high = pk_range or (0, 2**62)
    slices = [(max(low, start), min(high, end if end is not None else high)) for start, end in bounds]
    connections.close_all()  # children must not share the parent's socket
    with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork")) as pool:
        done = sum(pool.map(_judge_slice, [{**kwargs, "pk_range": s, "processes": 1} for s in slices]))
    return done


def _write_results(results: list[dict[str, Any]]) -> list[int]:
    """Store the judgments; returns the ids whose stored judgment changed (all of them off PostgreSQL)."""
    if connection.vendor == "postgresql":
        return _write_results_postgresql(results)
    objects = [Checkup(pk=r["pk"], **{k: r[k] for k in (*RESULT_FIELDS, "stratified_at")}) for r in results]
    Checkup.objects.bulk_update(objects, [*RESULT_FIELDS, "stratified_at"], batch_size=1000)
    return [r["pk"] for r in results]


_PG_TYPES = {
    "guidance_level": "smallint",
    "guidance_level_without_medication": "smallint",
    "medication_excluded": "boolean",
    "metabolic_judgment": "smallint",
    "judgment": "jsonb",
    "rules_version": "text",
    "bmi": "numeric",
    "current_smoker": "boolean",
    "risky_drinking": "boolean",
    "clinic_mismatch": "boolean",
    "consecutive_intensive_eligible": "boolean",
}
_JUDGED_TABLE = "checkup_judged_batch"


def _write_results_postgresql(results: list[dict[str, Any]]) -> list[int]:
    """COPY the batch into a temporary table, then one UPDATE … FROM it that skips unchanged rows.

    COPY avoids quoting every value into the SQL text (the client-side cost that dominated the unnest form);
    skipping unchanged rows spares PostgreSQL rewriting a million tuples and their indexes on a re-run.
    """
    names = list(_PG_TYPES)
    table = Checkup._meta.db_table
    columns = ", ".join(f"{n} {t}" for n, t in _PG_TYPES.items())
    changed_test = " OR ".join(f"c.{n} IS DISTINCT FROM v.{n}" for n in names)
    assignments = ", ".join(f"{n} = v.{n}" for n in names)
    connection.ensure_connection()
    raw = connection.connection  # psycopg 3: COPY and server-side parameters, inside Django's transaction
    with raw.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {_JUDGED_TABLE} (id bigint, {columns}) ON COMMIT DROP")
        with cursor.copy(f"COPY {_JUDGED_TABLE} (id, {', '.join(names)}) FROM STDIN") as copy:
            for r in results:
                copy.write_row(
                    (r["pk"], *(json.dumps(r[n], ensure_ascii=False) if n == "judgment" else r[n] for n in names))
                )
        cursor.execute(
            f"UPDATE {table} AS c SET {assignments}, stratified_at = %s "  # noqa: S608 - identifiers are constants
            f"FROM {_JUDGED_TABLE} AS v WHERE c.id = v.id AND ({changed_test}) RETURNING c.id",
            [results[0]["stratified_at"]],
        )
        changed = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {_JUDGED_TABLE}")
    return changed


def _programmes_out_of_step(checkup_ids: list[int]) -> list[int]:
    """Checkups whose programme presence disagrees with their level (SPEC §5.1): eligible without a programme, or
    a programme on a checkup that no longer makes one. Eligibility is guidance's (`guidance.services`)."""
    from guidance.models import Programme
    from guidance.services import LEVEL_FROM_CHECKUP, TARGET_AGE_MAX, TARGET_AGE_MIN

    eligible = Q(
        guidance_level__in=list(LEVEL_FROM_CHECKUP),
        medication_excluded=False,
        age_at_fy_end__gte=TARGET_AGE_MIN,
        age_at_fy_end__lte=TARGET_AGE_MAX,
        counts_for_fiscal_year=True,
    )
    has_programme = Exists(Programme.objects.filter(checkup_id=OuterRef("pk")))
    wanted = set(checkup_ids)
    # a judged batch is a run of consecutive primary keys: a range scan, not a long IN list
    scope = Q(pk__in=wanted) if len(wanted) <= 500 else Q(pk__gte=min(wanted), pk__lte=max(wanted))
    rows = (
        Checkup.objects.filter(scope)
        .filter((eligible & ~has_programme) | (~eligible & has_programme))
        .values_list("pk", flat=True)
    )
    return [pk for pk in rows if pk in wanted]


@transaction.atomic
def checkup_correct_item(*, checkup: Checkup, item_code: str, value: str | None, reason: str, user: Any) -> Checkup:
    """A staff correction of one item (kept in history); the typed columns and the level are recomputed."""
    items = dict(checkup.items)
    old = items.get(item_code)
    if value in (None, ""):
        items.pop(item_code, None)
        new = None
    else:
        observation = _observation_like(item_code, value, old)
        report = validate_observation(observation, period=4 if checkup.fiscal_year >= 2024 else 3)
        if not report.ok:
            raise CorrectionRefused(report.errors)
        new = observation.to_item()
        items[item_code] = new
    CheckupCorrection.objects.create(
        checkup=checkup, item_code=item_code, old_value=old, new_value=new, reason=reason, corrected_by=user
    )
    columns = columns_from_items(items, fiscal_year=checkup.fiscal_year)
    for name, column_value in columns.items():
        if name in _MODEL_FIELDS:
            setattr(checkup, name, column_value)
    checkup.items = items
    checkup.save()
    checkups_judge(checkup_ids=[checkup.pk])
    checkup.refresh_from_db()
    return checkup


def _observation_like(item_code: str, value: str, old: dict[str, Any] | None) -> Observation:
    definition = item(item_code)
    value_type = definition.value_type if definition else (old or {}).get("type", "ST")
    return Observation(
        code=item_code,
        value_type=value_type,
        value=str(value).strip(),
        unit=(definition.unit if definition and value_type == "PQ" else "") or "",
        method_code=(old or {}).get("method") or (definition.method_code if definition else "") or "",
        code_system=(definition.answer_oid if definition and value_type in ("CD", "CO") else "") or "",
    )


@transaction.atomic
def held_record_link(*, held: HeldRecord, person: InsuredPerson, user: Any) -> Checkup:
    """Staff link a held record to a person; it is then processed like any received record."""
    if held.status != HeldRecord.Status.HELD:
        raise ValueError("this record was already resolved")
    if person.insurer_id != held.insurer_id:
        raise ValueError("the person belongs to another insurer")
    data = dict(held.document)
    missing = data.pop("missing_items", [])
    document = CheckupDocument.from_json(data)
    checkup, _ = checkup_store(
        person=person,
        document=document,
        source=held.source,
        submitted_by_clinic=held.submitted_by_clinic,
        submitted_by_employer=held.submitted_by_employer,
        missing_items=missing,
    )
    held.status, held.checkup = HeldRecord.Status.LINKED, checkup
    held.resolved_by, held.resolved_at = user, timezone.now()
    held.save()
    return checkup


def held_record_reject(*, held: HeldRecord, user: Any) -> None:
    held.status, held.resolved_by, held.resolved_at = HeldRecord.Status.REJECTED, user, timezone.now()
    held.save(update_fields=["status", "resolved_by", "resolved_at"])


def checkup_fiscal_years(*, insurer_id: int | None = None) -> list[int]:
    queryset = Checkup.objects.all() if insurer_id is None else Checkup.objects.filter(insurer_id=insurer_id)
    return sorted(set(queryset.values_list("fiscal_year", flat=True).distinct()))


def checkups_restratify(*, fiscal_year: int, insurer_id: int | None = None, **kwargs: Any) -> int:
    """Bulk restratification of a whole fiscal year (SPEC §2): the Celery task's service."""
    return checkups_judge(fiscal_year=fiscal_year, insurer_id=insurer_id, **kwargs)


__all__ = [
    "CorrectionRefused",
    "StoreResult",
    "checkup_correct_item",
    "checkup_receive",
    "checkup_store",
    "checkups_choose_counted",
    "checkups_judge",
    "checkups_restratify",
    "held_record_link",
    "held_record_reject",
]
