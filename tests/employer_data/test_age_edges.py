"""The employer-data age split (under 40 / 40–74 / 75+) at the age-basis edges, in SQL (SPEC §1.2, §1.3, §7.1).

Employees born March 31 / April 1 / April 2 at 40 and 75, FY2024–FY2026: the grouped counts (expected employees
and received employer checkups) put each one where `employer_data.age_bands.band_of` does.
"""

import datetime as dt
from collections import Counter

import pytest

from employer_data.age_bands import band_of
from employer_data.selectors import submission_counts
from members.age_basis import age_basis

from ..factories import CheckupFactory
from .helpers import employee, employer_of

EDGES = [(40, 3, 31), (40, 4, 1), (40, 4, 2), (75, 3, 31), (75, 4, 1), (75, 4, 2), (65, 4, 1)]


@pytest.mark.parametrize("fiscal_year", [2024, 2025, 2026])
def test_counts_by_band_follow_band_of(world, fiscal_year: int) -> None:
    employer = employer_of(world.insurer_a)
    expected: Counter[str] = Counter()
    for index, (age, month, day) in enumerate(EDGES):
        birth = dt.date(fiscal_year + 1 - age, month, day)
        person = employee(employer, f"9{index:05d}", birth)
        CheckupFactory(
            person=person,
            submitted_by_employer=employer,
            exam_date=dt.date(fiscal_year, 6, 1),
            age_at_fy_end=age_basis(birth, fiscal_year),
            program="030",
            source="employer",
            bare=True,
        )
        expected[band_of(birth, fiscal_year).key] += 1
    assert expected == {"under_40": 1, "40_74": 5, "75_plus": 1}  # April-1 75 is of target age (SPEC §1.3)
    counts = submission_counts(insurer_id=world.insurer_a.pk, fiscal_year=fiscal_year)[employer.pk]
    assert counts.expected == dict(expected)
    assert counts.received == dict(expected)
