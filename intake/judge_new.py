"""New checkups of a chunk judged before they are written (SPEC §2, §6.1), so each row is written once: the same
rules and results as `checkups_choose_counted` + `checkups_judge`, for the common case of a person's only exam of
the year; the others take the service path."""

import functools
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models.base import ModelState
from django.utils import timezone

from checkups.judgments import READ_FIELDS, judge_row
from checkups.models import Checkup

from .chunk_history import ChunkHistory

# decimal columns and their scale: values are judged as the database will store them
DECIMAL_PLACES = {
    f.name: Decimal(1).scaleb(-f.decimal_places)
    for f in Checkup._meta.concrete_fields
    if isinstance(f, models.DecimalField)
}


@functools.cache
def _checkup_defaults() -> tuple[dict[str, Any], tuple[Any, ...]]:
    """Checkup's field defaults as Model.__init__ gives them: constants once, callables (dict, list) per row."""
    fields = Checkup._meta.concrete_fields
    fresh = tuple(f for f in fields if f.has_default() and callable(f.default))
    return {f.attname: f.get_default() for f in fields if f not in fresh}, fresh


def checkup_instance(values: dict[str, Any]) -> Checkup:
    """A new, unsaved Checkup from attribute values (attnames), without Model.__init__'s per-field keyword loop
    over ~90 fields (a visible share of storing an archive). Same instance state: every concrete field set (defaults
    for the rest), `_state.adding`; no related objects cached (the ids are set)."""
    constant, fresh = _checkup_defaults()
    checkup = Checkup.__new__(Checkup)
    state = checkup.__dict__
    state.update(constant)
    for f in fresh:
        state[f.attname] = f.get_default()
    state.update(values)
    checkup._state = ModelState()
    return checkup


def judge_new_in_memory(
    new: list[Checkup],
    sexes: dict[int, int],
    *,
    chunk_keys: set[tuple[int, int]],
    judgments: dict[tuple[int, Any, str], dict[str, Any] | None],
    history: ChunkHistory,
) -> list[Checkup]:
    """Counted flag and judgments of new checkups before they are written, so each row is written once.

    Same rules and results as checkups_choose_counted + checkups_judge (checkups.judging): a new exam of a person
    with no other exam in that fiscal year is the counted one (SPEC §6.1); judge_row gets the columns as the
    database stores them (decimals rounded to the column) and last year's counted checkup (SPEC §2.8). Returns the
    checkups handled here; the others take the service path. `judgments` (by person, exam date and programme) are
    the records' own judgments prepared without last year's checkup (`intake.records.Prepared.judgment`);
    `history`: the persons' checkups stored before the chunk (`intake.chunk_history`).
    """
    if not new:
        return []
    in_database = history.person_years
    per_key = Counter((c.person_id, c.fiscal_year) for c in new)
    eligible = [
        c
        for c in new
        if (c.person_id, c.fiscal_year) not in in_database
        and per_key[(c.person_id, c.fiscal_year)] == 1
        and (c.person_id, c.fiscal_year - 1) not in chunk_keys
    ]
    previous = history.counted
    now = timezone.now()
    for checkup in eligible:
        last_year = previous.get((checkup.person_id, checkup.fiscal_year - 1))
        results = judgments.get((checkup.person_id, checkup.exam_date, checkup.program))
        if results is None or last_year is not None:  # SPEC §2.8 needs last year's counted checkup
            for name, places in DECIMAL_PLACES.items():
                value = getattr(checkup, name)
                if value is not None:
                    setattr(checkup, name, value.quantize(places, rounding=ROUND_HALF_UP))
            row = {name: getattr(checkup, name) for name in READ_FIELDS}
            results = judge_row(row, sex=sexes[checkup.person_id], previous=last_year)
        for name, value in results.items():
            setattr(checkup, name, value)
        checkup.counts_for_fiscal_year, checkup.stratified_at = True, now
    return eligible
