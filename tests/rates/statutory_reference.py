"""A plain-Python reference of the statutory report (SPEC §6.6), person by person, for the property test.

Written apart from `rates.statutory_report`: the age by `members.age_basis` person by person (not birth-date
bounds), enrollment and exclusions compared one date at a time, every figure an `if`. Never used in production.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from members.age_basis import age_basis, band_of_age, is_target_age
from members.fiscal import fiscal_year_end, fiscal_year_start
from rates.reference import PersonFacts
from rates.statutory_figures import StatutoryCounts


@dataclass(frozen=True)
class ReportCheckup:
    fiscal_year: int
    counts_for_fiscal_year: bool
    is_complete: bool
    guidance_level: int | None
    medication_excluded: bool
    metabolic_judgment: int | None
    med_blood_pressure: int | None
    med_glucose: int | None
    med_lipids: int | None
    programme_status: str | None  # None: no programme
    programme_level: int | None
    initial_completed_on: dt.date | None


@dataclass(frozen=True)
class ReportPerson:
    facts: PersonFacts  # insurer, sex, birth, enrollments, exclusions (checkups there are left empty)
    checkups: tuple[ReportCheckup, ...]


def is_target(person: PersonFacts, fiscal_year: int) -> bool:
    """特定健診対象者 (SPEC §1.3, §1.4), one person at a time."""
    first, last = fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)
    enrolled = any(
        acquired <= first and (lost is None or lost - dt.timedelta(days=1) >= last)
        for acquired, lost in person.enrollments
    )
    excluded = any(start <= last and (end is None or end >= first) for start, end in person.exclusions)
    return is_target_age(person.birth_date, fiscal_year) and enrolled and not excluded


def reference_report(
    persons: Iterable[ReportPerson], *, insurer_id: int, fiscal_year: int
) -> dict[tuple[int, int], StatutoryCounts]:
    result: dict[tuple[int, int], dict[str, int]] = {}
    for person in persons:
        facts = person.facts
        if facts.insurer_id != insurer_id or not is_target(facts, fiscal_year):
            continue
        band = band_of_age(age_basis(facts.birth_date, fiscal_year))
        assert band is not None
        tally = result.setdefault((facts.sex, band.low), dict.fromkeys(StatutoryCounts().as_dict(), 0))
        tally["checkup_targets"] += 1
        counted = [
            c for c in person.checkups if c.fiscal_year == fiscal_year and c.counts_for_fiscal_year and c.is_complete
        ]
        for c in counted:
            tally["checkup_examined"] += 1
            tally["metabolic_syndrome"] += c.metabolic_judgment == 1
            tally["metabolic_reserve"] += c.metabolic_judgment == 2
            tally["medication_bp"] += c.med_blood_pressure == 1
            tally["medication_glucose"] += c.med_glucose == 1
            tally["medication_lipids"] += c.med_lipids == 1
            if c.guidance_level not in (1, 2) or c.medication_excluded or c.programme_status == "excluded":
                continue
            level = "intensive" if c.guidance_level == 1 else "motivational"
            tally[f"guidance_targets_{level}"] += 1
            if c.initial_completed_on is not None:
                tally[f"guidance_started_{level}"] += 1
            if c.programme_status == "completed":
                tally[f"guidance_completed_{level}"] += 1
                if level == "intensive" and c.programme_level == 3:
                    tally["guidance_completed_equivalent"] += 1
    return {stratum: StatutoryCounts(**tally) for stratum, tally in result.items()}
