"""New programmes from checkups (SPEC §5.1): their field values, evaluated by the rules, and the insert; the
bulk import's path for checkups created in its own transaction."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from checkups.models import Checkup
from infra.bulk import insert_rows
from members.models import InsuredPerson

from ..facts import evaluation_fields, programme_facts
from ..levels import LEVEL_FROM_CHECKUP
from ..models import Programme
from ..rules import evaluate
from .eligibility import checkup_makes_programme
from .evaluation import evaluation_day

# Evaluations of new programmes by (level, exam date, exam weight, exam waist): see `new_programme_values`
EvaluationCache = dict[tuple[Any, ...], dict[str, Any]]


def programmes_create_for_new_checkups(
    *, checkups: Iterable[Checkup], today: dt.date | None = None, birth_dates: Mapping[int, dt.date] | None = None
) -> int:
    """The programmes `programmes_sync_for_checkups` would create for checkups inserted in the caller's
    transaction (the bulk import), from the values the caller holds; returns how many were created.

    No programme can point at a checkup that is not committed yet, so the sync's look-ups (eligible checkups,
    existing programmes) and its conflict-tolerant insert are not needed: the eligible ones (SPEC §1.3, §2.5,
    §5.1, as `eligible_checkups`) are written with one COPY, in the sync's order (the checkups' default ordering).
    `birth_dates` (person id → birth date, for the target age) spares the one look-up of the people's.
    """
    today = evaluation_day(today)
    checkups = list(checkups)
    if birth_dates is None:
        people = InsuredPerson.objects.filter(pk__in={c.person_id for c in checkups})
        birth_dates = dict(people.values_list("pk", "birth_date"))
    rows = [
        (
            c.pk,
            c.person_id,
            c.insurer_id,
            c.fiscal_year,
            c.guidance_level,
            c.consecutive_intensive_eligible,
            c.exam_date,
            c.weight_kg,
            c.waist_cm,
        )
        for c in sorted(checkups, key=lambda c: (-c.exam_date.toordinal(), c.pk))
        if checkup_makes_programme(
            level=c.guidance_level,
            medication_excluded=c.medication_excluded,
            age_at_fy_end=c.age_at_fy_end,
            birth_date=birth_dates[c.person_id],
            counted=c.counts_for_fiscal_year,
        )
    ]
    evaluations: EvaluationCache = {}
    programmes_insert([new_programme_values(row, today, evaluations) for row in rows], fresh=True)
    return len(rows)


def new_programme_values(row: tuple, today: dt.date, evaluations: EvaluationCache) -> dict[str, Any]:
    """Field values of a new programme. With no contacts yet its evaluation is a function of level, exam date,
    exam weight and waist (and today), so programmes sharing them share one run of the rules."""
    checkup_id, person_id, insurer_id, fiscal_year, checkup_level, _, exam_date, weight, waist = row
    level = LEVEL_FROM_CHECKUP[checkup_level]
    key = (level, exam_date, weight, waist)
    if (fields := evaluations.get(key)) is None:
        facts = programme_facts(
            level=level, exam_date=exam_date, exam_weight_kg=weight, exam_waist_cm=waist, contacts=(), today=today
        )
        fields = evaluations[key] = evaluation_fields(evaluate(facts), [])
    return {
        "checkup_id": checkup_id,
        "person_id": person_id,
        "insurer_id": insurer_id,
        "fiscal_year": fiscal_year,  # the checkup's fiscal year, even if the programme ends in the next (SPEC §5.1)
        "level": level,
        **fields,
    }


def new_programme(row: tuple, today: dt.date) -> Programme:
    """One new programme as a model instance (the reference the bulk insert is tested against)."""
    return Programme(**new_programme_values(row, today, {}))


def programmes_insert(rows: list[dict[str, Any]], *, fresh: bool = False) -> None:
    """Insert new programmes, skipping any whose checkup got one meanwhile (the sync is safe to run twice);
    `fresh`: the checkups were created in this transaction, so no conflict is possible."""
    insert_rows(Programme, rows, fresh=fresh)
