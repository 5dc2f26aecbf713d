"""One batch of a judge run: read the checkups with everything the rules read (last year's values, SPEC §2.8; the
person's birth date, SPEC §1.2), judge them, and say which rows changed and which programmes to sync."""

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, OuterRef, Subquery, Value

from infra.bulk import fetch_rows, on_postgresql
from members.age_basis import age_basis
from members.models import InsuredPerson

from .judgments import PREVIOUS_FIELDS, READ_FIELDS, RESULT_FIELDS, judge_inputs
from .models import Checkup
from .programme_link import ProgrammeLink
from .stratification import INPUT_FIELDS, StratificationInputs


@dataclass(frozen=True)
class JudgeScope:
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


def judge_batch(
    batch: list[tuple[Any, ...]], *, sync_all: bool, programmes: ProgrammeLink | None
) -> tuple[list[tuple[Any, ...]], list[int], list[tuple[int, int]]]:
    """Judge a batch of `_BATCH_COLUMNS` rows; returns the changed rows as (pk, *RESULT_FIELDS values), the
    checkups whose programme to sync, and (pk, age basis) of the rows whose stored age basis was stale.

    The age basis is recomputed from the person's birth date (`members.age_basis`, SPEC §1.2): a rule change
    (issue #14: April-1 births) or a corrected birth date is picked up by the next restratification."""
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
        if programmes is None:
            continue
        has = row[has_programme]
        makes = programmes.makes_programme(
            level=result[_LEVEL],
            medication_excluded=result[_MEDICATION],
            age_at_fy_end=age_now,
            birth_date=row[birth],
            counted=row[counted],
        )
        if makes != has or (has and (sync_all or _programme_inputs_changed(result, stored))):
            to_sync.append(row[0])
    return results, to_sync, ages


def _programme_inputs_changed(result: tuple[Any, ...], stored: tuple[Any, ...]) -> bool:
    """Whether a value a programme reads changed: the level, the medication exclusion, the 2-years flag."""
    return (
        result[_LEVEL] != stored[_LEVEL]
        or result[_MEDICATION] != stored[_MEDICATION]
        or result[_CONSECUTIVE] != stored[_CONSECUTIVE]
    )


def _differs(result: tuple[Any, ...], stored: tuple[Any, ...]) -> bool:
    """Whether the new judgment differs from the stored one; the record (jsonb text on PostgreSQL) is parsed only
    when every plain column agrees (a re-run), since any other difference already decides."""
    if result[:_JUDGMENT] != stored[:_JUDGMENT] or result[_JUDGMENT + 1 :] != stored[_JUDGMENT + 1 :]:
        return True
    record = stored[_JUDGMENT]
    if isinstance(record, str):
        record = json.loads(record)
    return result[_JUDGMENT] != record


def read_batch(scope: JudgeScope, *, after: int, limit: int, programmes: ProgrammeLink | None) -> list[tuple[Any, ...]]:
    """The next `limit` checkups of the scope after primary key `after`, as `_BATCH_COLUMNS` tuples."""
    if on_postgresql():  # one plain query with a fixed column list: the values come as the rules take them
        sql, params = _batch_sql(scope, programmes=programmes)
        return fetch_rows(sql, [after, *params, limit])
    annotations = {
        **_PREVIOUS_ANNOTATIONS,
        "has_programme": programmes.has_programme() if programmes is not None else Value(False, BooleanField()),
    }
    names = [f"person__{name}" if name in ("sex", "birth_date") else name for name in _BATCH_COLUMNS]
    return list(
        scope.queryset().filter(pk__gt=after).order_by("pk").annotate(**annotations).values_list(*names)[:limit]
    )


def _batch_sql(scope: JudgeScope, *, programmes: ProgrammeLink | None) -> tuple[str, list[Any]]:
    checkups, people = Checkup._meta.db_table, InsuredPerson._meta.db_table
    expressions = {
        "sex": "p.sex",
        "birth_date": "p.birth_date",
        **{f"previous_{name}": f"pc.{name}" for name in PREVIOUS_FIELDS},
        "has_programme": programmes.has_programme_sql("c") if programmes is not None else "FALSE",
    }
    select = ", ".join(expressions.get(name, f"c.{name}") for name in _BATCH_COLUMNS)
    where: list[str] = ["c.id > %s"]
    params: list[Any] = []
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
