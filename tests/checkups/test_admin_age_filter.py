"""The checkup list's 年度末年齢 filter at the age-basis edges (SPEC §1.2, §1.3, §2.5b; members.age_basis)."""

import datetime as dt

import pytest

from checkups.admin import AGE_BANDS
from checkups.models import Checkup
from members.age_basis import age_basis
from tests.factories import CheckupFactory, PersonFactory

# (age reached in FY N, month, day) → the filter that lists the checkup
EDGES = [
    ((39, 4, 1), "u40"),
    ((40, 4, 1), "40-64"),
    ((40, 4, 2), "u40"),
    ((65, 4, 1), "65-74"),
    ((65, 4, 2), "40-64"),
    ((75, 3, 31), "75+"),
    ((75, 4, 1), "65-74"),  # age basis 75, still a target: with the 65 rule, not among the leavers
    ((75, 4, 2), "65-74"),
    ((76, 4, 1), "75+"),
]


@pytest.mark.parametrize("fiscal_year", [2024, 2025, 2026])
def test_each_checkup_is_in_exactly_one_band(world, fiscal_year: int) -> None:
    expected = {}
    for (age, month, day), band in EDGES:
        birth = dt.date(fiscal_year + 1 - age, month, day)
        person = PersonFactory(insurer=world.insurer_a, birth_date=birth)
        checkup = CheckupFactory(
            person=person,
            exam_date=dt.date(fiscal_year, 6, 1),
            age_at_fy_end=age_basis(birth, fiscal_year),
            source="staff_entry",
            bare=True,
        )
        expected[checkup.pk] = band
    for key, (_label, condition) in AGE_BANDS.items():
        listed = set(Checkup.objects.filter(condition).values_list("pk", flat=True))
        assert listed == {pk for pk, band in expected.items() if band == key}, key
