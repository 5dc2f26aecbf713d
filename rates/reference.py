"""A plain-Python reference of the rate counts, person by person (SPEC §1.3, §1.4, §6.1, §6.2).

Deliberately written differently from `rates.computation`: ages person by person through `members.age_basis`
(birthdays; the SQL uses its birth-date bounds), dates compared one person at a time. Tests check that the SQL
cells equal these on random populations; never used in production.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from members.age_basis import band_of, is_target_age
from members.fiscal import fiscal_year_end, fiscal_year_start

from .figures import Cell


@dataclass(frozen=True)
class CheckupFacts:
    fiscal_year: int
    insurer_id: int
    counts_for_fiscal_year: bool
    is_complete: bool
    guidance_level: int | None
    medication_excluded: bool
    programme_status: str | None  # None: no programme


@dataclass(frozen=True)
class PersonFacts:
    insurer_id: int
    sex: int
    birth_date: dt.date
    relationship: str
    employer_id: int | None
    enrollments: tuple[tuple[dt.date, dt.date | None], ...]  # (acquired_on, lost_on = first day not enrolled)
    exclusions: tuple[tuple[dt.date, dt.date | None], ...] = ()
    checkups: tuple[CheckupFacts, ...] = field(default=())


def is_target(person: PersonFacts, fiscal_year: int) -> bool:
    first, last = fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)
    if not is_target_age(person.birth_date, fiscal_year):  # SPEC §1.3: age basis ≥ 40, no 75th birthday
        return False
    enrolled = any(
        acquired <= first and (lost is None or lost - dt.timedelta(days=1) >= last)
        for acquired, lost in person.enrollments
    )
    excluded = any(start <= last and (end is None or end >= first) for start, end in person.exclusions)
    return enrolled and not excluded


def reference_cells(persons: Iterable[PersonFacts], *, insurer_id: int, fiscal_year: int) -> list[Cell]:
    counts: dict[tuple, Counter] = {}
    for person in persons:
        if person.insurer_id != insurer_id or not is_target(person, fiscal_year):
            continue
        band = band_of(person.birth_date, fiscal_year)  # SPEC §6.6: age basis 75 (April 1) in 70–74
        assert band is not None
        tally = counts.setdefault((person.sex, band.low, person.relationship, person.employer_id), Counter())
        tally["targets"] += 1
        for checkup in person.checkups:
            if not (
                checkup.fiscal_year == fiscal_year
                and checkup.insurer_id == insurer_id
                and checkup.counts_for_fiscal_year
                and checkup.is_complete
            ):
                continue
            tally["receivers"] += 1
            guidance_target = (
                checkup.guidance_level in (1, 2)
                and not checkup.medication_excluded
                and checkup.programme_status != "excluded"
            )
            tally["guidance_targets"] += guidance_target
            tally["guidance_completed"] += guidance_target and checkup.programme_status == "completed"
    return [
        Cell(
            sex=sex,
            band=band,
            relationship=rel,
            employer_id=employer,
            **{name: tally[name] for name in ("targets", "receivers", "guidance_targets", "guidance_completed")},
        )
        for (sex, band, rel, employer), tally in sorted(counts.items(), key=lambda item: str(item[0]))
    ]
