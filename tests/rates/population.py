"""Builders for hand-made populations in the rates tests (people, enrollment, exclusions, checkups, programmes)."""

import datetime as dt
import itertools

from checkups.models import Checkup
from guidance.models import Programme
from members.models import Employer, Enrollment, Exclusion, InsuredPerson, Insurer
from tests.factories import CheckupFactory, ProgrammeFactory

FY = 2025  # April 1 2025 – March 31 2026
_card = itertools.count(700000)


def person(
    insurer: Insurer,
    *,
    born: dt.date = dt.date(1970, 6, 15),
    sex: int = 1,
    relationship: str = "self",
    employer: Employer | None = None,
    acquired: dt.date | None = dt.date(2000, 4, 1),
    lost: dt.date | None = None,
) -> InsuredPerson:
    created = InsuredPerson.objects.create(
        insurer=insurer,
        card_symbol="10",
        card_number=str(next(_card)),
        card_branch="00",
        name_kana="テスト",
        sex=sex,
        birth_date=born,
        relationship=relationship,
        employer=employer,
    )
    if acquired is not None:
        Enrollment.objects.create(person=created, acquired_on=acquired, lost_on=lost)
    return created


def exclusion(person: InsuredPerson, reason: str, starts: dt.date, ends: dt.date | None = None) -> Exclusion:
    return Exclusion.objects.create(person=person, reason=reason, starts_on=starts, ends_on=ends)


def checkup(
    person: InsuredPerson,
    *,
    fiscal_year: int = FY,
    exam_date: dt.date | None = None,
    program: str = "010",
    source: str = "clinic_api",
    counts: bool = True,
    complete: bool = True,
    level: int | None = 3,
    medication_excluded: bool = False,
    **fields: object,
) -> Checkup:
    """A checkup row as the judgment left it; `fields` sets any other column (measurements, answers, …)."""
    return CheckupFactory(
        person=person,
        exam_date=exam_date or dt.date(fiscal_year, 6, 1),
        fiscal_year=fiscal_year,
        age_at_fy_end=50,
        program=program,
        source=source,
        counts_for_fiscal_year=counts,
        is_complete=complete,
        guidance_level=level,
        medication_excluded=medication_excluded,
        **{"weight_kg": None, "waist_cm": None, **fields},  # no measurements unless the test gives them
    )


def programme(
    checkup: Checkup,
    status: str,
    *,
    level: int | None = None,
    completed_on: dt.date | None = None,
    dropped_out_on: dt.date | None = None,
    initial_on: dt.date | None = None,
    total_points: int = 0,
    next_action: str = "",
    next_action_due: dt.date | None = None,
    **fields: object,
) -> Programme:
    if status == "completed" and completed_on is None:
        completed_on = dt.date(checkup.fiscal_year, 12, 1)
    if status == "dropped_out" and dropped_out_on is None:
        dropped_out_on = dt.date(checkup.fiscal_year, 11, 1)
    excluded = status == "excluded"  # 対象外 always has a cause and a date (guidance constraints, SPEC §5.6)
    if level is not None:
        fields["level"] = level  # else the checkup's (動機付け支援 if it has none), as ProgrammeFactory makes it
    return ProgrammeFactory(
        checkup=checkup,
        status=status,
        completed_on=completed_on,
        dropped_out_on=dropped_out_on,
        dropout_reason="declined" if status == "dropped_out" else "",
        excluded_cause="medication_after_checkup" if excluded else "",
        excluded_on=dt.date(checkup.fiscal_year, 10, 1) if excluded else None,
        initial_on=initial_on,
        process_points=total_points,
        total_points=total_points,
        next_action=next_action,
        next_action_due=next_action_due,
        **fields,
    )
