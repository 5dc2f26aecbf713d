"""Write paths for checkups: store a received record, judge (one or a whole fiscal year), correct an item.

Every path ends in `checkups_judge`, which works in batches (a few queries per batch, never one per person),
so a single upload and the nightly restratification of a million checkups run the same code.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from infra.bulk import (
    commit_asynchronously,
    fetch_rows,
    forked_map,
    gc_paused,
    may_fork_database_work,
    on_postgresql,
    update_by_id,
)
from members.age_basis import age_basis
from members.clinics import clinic_number, clinics_for
from members.contracts import without_contract
from members.enrollment import not_enrolled
from members.fiscal import fiscal_year_of
from members.hold_reasons import HoldReason
from members.matching import held_match, person_match
from members.models import Clinic, Employer, InsuredPerson, Insurer

from .items import columns_from_items
from .judgments import PREVIOUS_FIELDS, READ_FIELDS, RESULT_FIELDS, judge_inputs
from .mhlw.document import CheckupDocument, Observation
from .mhlw.itemtable import item
from .mhlw.validation import RecordError, validate_observation
from .models import Checkup, CheckupCorrection, HeldRecord
from .stratification import INPUT_FIELDS, StratificationInputs

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
    number = clinic_number(document.clinic_number, document.author_org_number)
    return clinics_for([(number, document.clinic_name)]).get(number or "")


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
    """Match the record to a person enrolled on the exam date (SPEC §1.5, §9.5) and store it, or hold it for
    staff review."""
    match = person_match(
        insurer=insurer,
        card_symbol=document.card_symbol,
        card_number=document.card_number,
        card_branch=document.card_branch,
        birth_date=document.birth_date,
        sex=document.sex,
    )
    performing = clinic_number(document.clinic_number, document.author_org_number)
    if submitted_by_clinic is not None and without_contract(
        {0: (insurer.pk, performing or submitted_by_clinic.number, document.exam_date)}
    ):
        match = held_match(HoldReason.NO_CONTRACT)  # issue #13: the insurer has no contract with the clinic
    elif match.person is not None and not_enrolled({0: (match.person.pk, document.exam_date)}):
        match = held_match(HoldReason.NOT_ENROLLED_ON_EXAM_DATE)  # SPEC §9.5: never counted silently
    if match.person is None:
        held = HeldRecord.objects.create(
            insurer=insurer,
            submitted_by_clinic=submitted_by_clinic,
            submitted_by_employer=submitted_by_employer,
            source=source,
            document={**document.to_json(), "missing_items": list(missing_items)},
            exam_date=document.exam_date,
            reason=match.reason,
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
            "age_at_fy_end": age_basis(person.birth_date, fiscal_year),  # SPEC §1.2
            "source": source,
            "items": items,
            "is_complete": not missing_items,
            "missing_items": list(missing_items),
            "counts_for_fiscal_year": False,  # decided below, among all of the person's checkups of the year
            **columns,
        },
    )
    checkups_choose_counted(person_ids=[person.pk], fiscal_years=[fiscal_year])
    # Re-judge the person's other checkups this year (the counted one may have changed, and with it which one
    # carries a guidance programme) and next year's (its 2-consecutive-years flag reads this year's, SPEC §2.8).
    for year in (fiscal_year, fiscal_year + 1):  # in order: next year's flag reads this year's fresh level
        related = Checkup.objects.filter(person=person, fiscal_year=year).values_list("pk", flat=True)
        if ids := list(related):
            checkups_judge(checkup_ids=ids)
    checkup.refresh_from_db()
    return checkup, created


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

    Only rows whose judgment changed are written (and get a new `stratified_at`). Guidance programmes are synced
    where a programme's inputs changed: for the given `checkup_ids` (an upload, a correction: the exam values a
    programme reads may have changed), every row that has or needs a programme; for a whole-year run, the rows
    whose guidance level, medication exclusion or consecutive-intensive flag changed, and rows whose programme is
    out of step with their level (none where one is needed, or one where none is). A changed judgment record
    alone (e.g. a new rule-set version) touches no programme. `processes` > 1 splits a whole-year run into that
    many primary-key slices, each judged in its own process and database connection (PostgreSQL, outside a
    transaction, not inside a daemonic worker process); otherwise it runs here.
    """
    scope = _Scope(
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
            sync_programmes=sync_programmes,
            pk_range=pk_range,
        )
    bulk = checkup_ids is None
    total = scope.queryset().count() if on_progress else 0
    done, last_pk = 0, 0
    while True:
        batch = _read_batch(scope, after=last_pk, limit=batch_size, with_programmes=sync_programmes)
        if not batch:
            break
        last_pk = batch[-1][0]
        with gc_paused():  # a batch allocates ~100 objects per row, none cyclic: collections would only rescan
            results, to_sync, ages = _judge_batch(batch, sync_all=not bulk, sync_programmes=sync_programmes)
        with transaction.atomic():
            if bulk:  # a whole-year run is recomputable: a crash may lose the last batches (a re-run writes them)
                commit_asynchronously()
            if results:
                _write_results(results, stratified_at=timezone.now())
            if ages:  # before the programme sync, which reads the stored age basis (guidance._eligible)
                Checkup.objects.bulk_update(
                    [Checkup(pk=pk, age_at_fy_end=age) for pk, age in ages], ["age_at_fy_end"], batch_size=1000
                )
            if to_sync:
                from guidance.services import programmes_sync_for_checkups

                programmes_sync_for_checkups(checkup_ids=to_sync)
        done += len(batch)
        if on_progress:
            on_progress(done, total)
    return done


@dataclass(frozen=True)
class _Scope:
    """Which checkups a judge run covers (the filters of `checkups_judge`)."""

    checkup_ids: list[int] | None
    fiscal_year: int | None
    insurer_id: int | None
    pk_range: tuple[int, int] | None

    def queryset(self) -> Any:
        base = Checkup.objects.all()
        if self.checkup_ids is not None:
            base = base.filter(pk__in=self.checkup_ids)
        if self.fiscal_year is not None:
            base = base.filter(fiscal_year=self.fiscal_year)
        if self.insurer_id is not None:
            base = base.filter(insurer_id=self.insurer_id)
        if self.pk_range is not None:
            base = base.filter(pk__gte=self.pk_range[0], pk__lte=self.pk_range[1])
        return base


# The columns of a judged batch, in this order: the rules' inputs (`StratificationInputs.from_values` takes the
# slice), the rest of what the rules read, the stored judgment, last year's values (SPEC §2.8), and what the
# programme sync needs.
_PREVIOUS_COLUMNS = tuple(f"previous_{name}" for name in PREVIOUS_FIELDS)
_BATCH_COLUMNS: tuple[str, ...] = (
    "id",
    *INPUT_FIELDS,
    *(name for name in READ_FIELDS if name not in INPUT_FIELDS),
    *RESULT_FIELDS,
    *_PREVIOUS_COLUMNS,
    "counts_for_fiscal_year",
    "has_programme",
    "birth_date",  # the person's: the age basis is recomputed from it (SPEC §1.2), the stored one refreshed
)
_AT = {name: i for i, name in enumerate(_BATCH_COLUMNS)}
_INPUTS = slice(1, 1 + len(INPUT_FIELDS))
_STORED = slice(_AT[RESULT_FIELDS[0]], _AT[RESULT_FIELDS[-1]] + 1)
_JUDGMENT = RESULT_FIELDS.index("judgment")
_LEVEL = RESULT_FIELDS.index("guidance_level")
_MEDICATION = RESULT_FIELDS.index("medication_excluded")
_CONSECUTIVE = RESULT_FIELDS.index("consecutive_intensive_eligible")


def _judge_batch(
    batch: list[tuple[Any, ...]], *, sync_all: bool, sync_programmes: bool
) -> tuple[list[tuple[Any, ...]], list[int], list[tuple[int, int]]]:
    """Judge a batch of `_BATCH_COLUMNS` rows; returns the changed rows as (pk, *RESULT_FIELDS values), the
    checkups whose programme to sync, and (pk, age basis) of the rows whose stored age basis was stale.

    The age basis is recomputed from the person's birth date (`members.age_basis`, SPEC §1.2): a rule change
    (issue #14: April-1 births) or a corrected birth date is picked up by the next restratification."""
    from guidance.services import checkup_makes_programme

    at = _AT
    fy, age = at["fiscal_year"], at["age_at_fy_end"]
    clinic_level, clinic_metabolic = at["clinic_guidance_level"], at["clinic_metabolic_judgment"]
    frequency, amount = at["drinking_frequency"], at["drinking_amount"]
    prev_level, prev_weight, prev_waist = (at[name] for name in _PREVIOUS_COLUMNS)
    counted, has_programme, birth = at["counts_for_fiscal_year"], at["has_programme"], at["birth_date"]
    results: list[tuple[Any, ...]] = []
    to_sync: list[int] = []
    ages: list[tuple[int, int]] = []
    for row in batch:
        age_now = age_basis(row[birth], row[fy])
        if age_now != row[age]:
            ages.append((row[0], age_now))
        result = judge_inputs(
            StratificationInputs.from_values(row[_INPUTS]),
            fiscal_year=row[fy],
            age_at_fy_end=age_now,
            clinic_level=row[clinic_level],
            clinic_metabolic=row[clinic_metabolic],
            drinking_frequency=row[frequency],
            drinking_amount=row[amount],
            previous_level=row[prev_level],
            previous_weight_kg=row[prev_weight],
            previous_waist_cm=row[prev_waist],
        )
        stored = row[_STORED]
        if _differs(result, stored):
            results.append((row[0], *result))
        if not sync_programmes:
            continue
        has = row[has_programme]
        makes = checkup_makes_programme(
            level=result[_LEVEL],
            medication_excluded=result[_MEDICATION],
            age_at_fy_end=age_now,
            birth_date=row[birth],
            counted=row[counted],
        )
        if makes != has or (
            has
            and (
                sync_all
                or result[_LEVEL] != stored[_LEVEL]
                or result[_MEDICATION] != stored[_MEDICATION]
                or result[_CONSECUTIVE] != stored[_CONSECUTIVE]
            )
        ):
            to_sync.append(row[0])
    return results, to_sync, ages


def _differs(result: tuple[Any, ...], stored: tuple[Any, ...]) -> bool:
    """Whether the new judgment differs from the stored one; the record (jsonb text on PostgreSQL) is parsed only
    when every plain column agrees (a re-run), since any other difference already decides."""
    if result[:_JUDGMENT] != stored[:_JUDGMENT] or result[_JUDGMENT + 1 :] != stored[_JUDGMENT + 1 :]:
        return True
    record = stored[_JUDGMENT]
    if isinstance(record, str):
        record = json.loads(record)
    return result[_JUDGMENT] != record


def _read_batch(scope: _Scope, *, after: int, limit: int, with_programmes: bool) -> list[tuple[Any, ...]]:
    """The next `limit` checkups of the scope after primary key `after`, as `_BATCH_COLUMNS` tuples."""
    if on_postgresql():  # one plain query with a fixed column list: the values come as the rules take them
        sql, params = _batch_sql(scope, with_programmes=with_programmes)
        return fetch_rows(sql, [after, *params, limit])
    from guidance.models import Programme

    annotations = {
        **_PREVIOUS_ANNOTATIONS,
        "has_programme": Exists(Programme.objects.filter(checkup_id=OuterRef("pk"))),
    }
    names = [f"person__{name}" if name in ("sex", "birth_date") else name for name in _BATCH_COLUMNS]
    return list(
        scope.queryset().filter(pk__gt=after).order_by("pk").annotate(**annotations).values_list(*names)[:limit]
    )


def _batch_sql(scope: _Scope, *, with_programmes: bool) -> tuple[str, list[Any]]:
    from guidance.models import Programme

    checkups, people = Checkup._meta.db_table, InsuredPerson._meta.db_table
    expressions = {
        "sex": "p.sex",
        "birth_date": "p.birth_date",
        **{f"previous_{name}": f"pc.{name}" for name in PREVIOUS_FIELDS},
        "has_programme": (
            f"EXISTS (SELECT 1 FROM {Programme._meta.db_table} g WHERE g.checkup_id = c.id)"  # noqa: S608
            if with_programmes
            else "FALSE"
        ),
    }
    select = ", ".join(expressions.get(name, f"c.{name}") for name in _BATCH_COLUMNS)
    where, params = ["c.id > %s"], []
    if scope.checkup_ids is not None:
        where.append("c.id = ANY(%s)")
        params.append(scope.checkup_ids)
    if scope.fiscal_year is not None:
        where.append("c.fiscal_year = %s")
        params.append(scope.fiscal_year)
    if scope.insurer_id is not None:
        where.append("c.insurer_id = %s")
        params.append(scope.insurer_id)
    if scope.pk_range is not None:
        where.append("c.id BETWEEN %s AND %s")
        params += list(scope.pk_range)
    # SPEC §2.8: last fiscal year's counted checkup (at most one: uniq_counted_checkup_per_year)
    sql = (
        f"SELECT {select} FROM {checkups} c JOIN {people} p ON p.id = c.person_id "  # noqa: S608 - constants only
        f"LEFT JOIN {checkups} pc ON pc.person_id = c.person_id AND pc.fiscal_year = c.fiscal_year - 1 "
        f"AND pc.counts_for_fiscal_year WHERE {' AND '.join(where)} ORDER BY c.id LIMIT %s"
    )
    return sql, params


def _previous_subquery(field: str) -> Subquery:
    """Last fiscal year's counted checkup of the same person (SPEC §2.8), for the portable batch query."""
    return Subquery(
        Checkup.objects.filter(
            person_id=OuterRef("person_id"), fiscal_year=OuterRef("fiscal_year") - 1, counts_for_fiscal_year=True
        )
        .order_by()
        .values(field)[:1]
    )


_PREVIOUS_ANNOTATIONS = {f"previous_{name}": _previous_subquery(name) for name in PREVIOUS_FIELDS}


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
    # order_by(): without it the model's ordering joins the DISTINCT and every checkup row comes back
    return sorted(set(queryset.order_by().values_list("fiscal_year", flat=True).distinct()))


def checkups_restratify(*, fiscal_year: int, insurer_id: int | None = None, **kwargs: Any) -> int:
    """Bulk restratification of a whole fiscal year (SPEC §2): the Celery task's service and the `restratify`
    command's. Any year, past ones included: the age basis is recomputed from the birth dates (SPEC §1.2), the
    levels re-judged with the year's rules, and not-started programmes follow (started ones keep theirs)."""
    return checkups_judge(fiscal_year=fiscal_year, insurer_id=insurer_id, **kwargs)


__all__ = [
    "CorrectionRefused",
    "StoreResult",
    "checkup_correct_item",
    "checkup_pk_slices",
    "checkup_receive",
    "checkup_store",
    "checkups_choose_counted",
    "checkups_judge",
    "checkups_restratify",
    "held_record_link",
    "held_record_reject",
]
