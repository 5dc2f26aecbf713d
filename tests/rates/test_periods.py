"""Birth-date bounds equal the age basis (SPEC §1.2, §1.3, members.age_basis, re-exported here for the rates);
report deadline and the 3-month minimum (SPEC §5.3)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guidance.contacts import final_evaluation_earliest
from members.age_basis import band_of, is_target_age
from rates.periods import (
    AGE_BANDS,
    band_birth_window,
    band_of_age,
    latest_initial_interview_for,
    reporting_deadline,
    target_birth_window,
)

births = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2000, 12, 31))
years = st.integers(min_value=2008, max_value=2035)


@given(births, years)
def test_target_window_is_target_age(born, year):
    after, by = target_birth_window(year)
    assert (after < born <= by) == is_target_age(born, year)


@given(births, years)
def test_band_window_matches_band_of(born, year):
    band = band_of(born, year)
    for each in AGE_BANDS:
        after, by = band_birth_window(year, each)
        assert (after < born <= by) == (each == band)


@pytest.mark.parametrize(
    ("age", "low"), [(39, None), (40, 40), (44, 40), (45, 45), (69, 65), (70, 70), (74, 70), (75, 70), (76, None)]
)
def test_band_of_age(age, low):
    band = band_of_age(age)
    assert (band.low if band else None) == low


@pytest.mark.parametrize(("year", "deadline"), [(2024, dt.date(2025, 11, 1)), (2025, dt.date(2026, 11, 1))])
def test_reporting_deadline(year, deadline):
    assert reporting_deadline(year) == deadline


@pytest.mark.parametrize(
    ("deadline", "latest"),
    [
        (dt.date(2026, 11, 1), dt.date(2026, 8, 1)),
        (dt.date(2026, 2, 28), dt.date(2025, 11, 30)),  # Nov 28–30 all reach Feb 28 (SPEC §5.3 ◆ clamping)
        (dt.date(2026, 3, 1), dt.date(2025, 12, 1)),
    ],
)
def test_latest_initial_interview(deadline, latest):
    assert latest_initial_interview_for(deadline) == latest


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)))
def test_latest_initial_interview_is_the_boundary(deadline):
    latest = latest_initial_interview_for(deadline)
    assert final_evaluation_earliest(latest) <= deadline < final_evaluation_earliest(latest + dt.timedelta(days=1))
