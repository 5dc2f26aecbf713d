"""The one definition of the age basis and the fiscal-year age conditions (SPEC §1.2, §1.3, §2.5b, §6.6).

Table-driven at every edge (born March 31 / April 1 / April 2 at 40, 65 and 75, FY2024–FY2026, and February 29),
then properties tying the birth-date bounds (what the SQL compares) to the person-by-person functions, then the
SQL itself on the database under test (SQLite by default, PostgreSQL with DATABASE_URL).
"""

import datetime as dt

import pytest
from django.db.models import Case, IntegerField, Q, Value, When
from hypothesis import given
from hypothesis import strategies as st

from checkups.models import Checkup
from members.age_basis import (
    AGE_BANDS,
    SENIOR_AGE_MIN,
    TARGET_AGE_MIN,
    AgeBand,
    age_basis,
    band_birth_window,
    band_of,
    band_of_age,
    birthday_in,
    born_on_or_before_for_age,
    born_window_q,
    first_target_fiscal_year,
    is_senior,
    is_target_age,
    is_target_age_basis,
    last_birth_date_leaving,
    latter_stage_birthday,
    left_by_75,
    reaches_75_within_year,
    target_age_basis_q,
    target_age_q,
    target_birth_window,
)
from members.models import InsuredPerson
from tests.factories import CheckupFactory, PersonFactory

FISCAL_YEARS = (2024, 2025, 2026)


def born(fiscal_year: int, age: int, month: int, day: int) -> dt.date:
    """The birth date `age` years before the next April 1's year, on month/day (the edges of FY N's ages)."""
    return dt.date(fiscal_year + 1 - age, month, day)


# (age, month, day) → (age basis, target, band low, senior, 75 within the year)
EDGES: list[tuple[int, int, int, int, bool, int | None, bool, bool]] = [
    # 40: March 31 and April 1 births reach 40 within the year (the April-1 one on March 31, 民法143条)
    (40, 3, 31, 40, True, 40, False, False),
    (40, 4, 1, 40, True, 40, False, False),
    (40, 4, 2, 39, False, None, False, False),
    # 65: the 2.5b exception starts with the same edge
    (65, 3, 31, 65, True, 65, True, False),
    (65, 4, 1, 65, True, 65, True, False),
    (65, 4, 2, 64, True, 60, False, False),
    # 75: the 75th birthday within the year moves a person to 後期高齢者医療; April 1 is the next year's first day
    (75, 3, 31, 75, False, None, True, True),
    (75, 4, 1, 75, True, 70, True, False),
    (75, 4, 2, 74, True, 70, True, False),
]


@pytest.mark.parametrize("fiscal_year", FISCAL_YEARS)
@pytest.mark.parametrize(("age", "month", "day", "basis", "target", "band", "senior", "within"), EDGES)
def test_edges(
    fiscal_year: int,
    age: int,
    month: int,
    day: int,
    basis: int,
    target: bool,
    band: int | None,
    senior: bool,
    within: bool,
) -> None:
    birth = born(fiscal_year, age, month, day)
    assert age_basis(birth, fiscal_year) == basis
    assert is_target_age(birth, fiscal_year) is target
    assert is_target_age_basis(basis, birth) is target
    assert (band_of(birth, fiscal_year).low if band_of(birth, fiscal_year) else None) == band
    assert is_senior(basis) is senior
    assert reaches_75_within_year(birth, fiscal_year) is within


@pytest.mark.parametrize(
    ("birth", "fiscal_year", "basis"),
    [
        (dt.date(1985, 4, 1), 2024, 40),  # the examples
        (dt.date(1960, 4, 1), 2024, 65),
        (dt.date(1985, 4, 2), 2024, 39),
        (dt.date(1985, 3, 31), 2024, 40),
        (dt.date(1984, 4, 1), 2023, 40),
        (dt.date(1960, 2, 29), 2024, 65),  # February 29: birthday on or before April 1 every year
        (dt.date(1960, 2, 29), 2023, 64),
        (dt.date(1984, 2, 29), 2023, 40),  # 2024 is a leap year: the birthday itself
        (dt.date(1984, 2, 29), 2024, 41),  # 2025 is not: reached on February 28 (民法143条)
    ],
)
def test_age_basis_examples(birth: dt.date, fiscal_year: int, basis: int) -> None:
    assert age_basis(birth, fiscal_year) == basis


def test_february_29_birthday_is_february_28_in_a_non_leap_year() -> None:
    assert birthday_in(dt.date(1960, 2, 29), 2025) == dt.date(2025, 2, 28)
    assert birthday_in(dt.date(1960, 2, 29), 2024) == dt.date(2024, 2, 29)
    assert latter_stage_birthday(dt.date(1952, 2, 29)) == dt.date(2027, 2, 28)


@pytest.mark.parametrize(
    ("fiscal_year", "basis", "target", "within"),
    [
        (2025, 74, True, False),  # the year before: 74, a target
        (2026, 75, False, True),  # 75th birthday 2027-02-28, inside FY2026
        (2027, 76, False, False),  # already left before the year
    ],
)
def test_february_29_at_75(fiscal_year: int, basis: int, target: bool, within: bool) -> None:
    birth = dt.date(1952, 2, 29)
    assert age_basis(birth, fiscal_year) == basis
    assert is_target_age(birth, fiscal_year) is target
    assert reaches_75_within_year(birth, fiscal_year) is within


def test_february_29_at_65_is_senior_in_fy2024() -> None:
    birth = dt.date(1960, 2, 29)
    assert is_senior(age_basis(birth, 2024))
    assert not is_senior(age_basis(birth, 2023))


@pytest.mark.parametrize(
    ("birth", "first"),
    [
        (dt.date(1985, 4, 1), 2024),
        (dt.date(1985, 3, 31), 2024),
        (dt.date(1985, 4, 2), 2025),
        (dt.date(1984, 2, 29), 2023),
    ],
)
def test_first_target_fiscal_year(birth: dt.date, first: int) -> None:
    assert first_target_fiscal_year(birth) == first
    assert age_basis(birth, first) == TARGET_AGE_MIN
    assert age_basis(birth, first - 1) == TARGET_AGE_MIN - 1


def test_target_window_fy2024() -> None:
    assert target_birth_window(2024) == (dt.date(1950, 3, 31), dt.date(1985, 4, 1))
    assert born_on_or_before_for_age(2024, SENIOR_AGE_MIN) == dt.date(1960, 4, 1)
    assert last_birth_date_leaving(2024) == dt.date(1950, 3, 31)


@pytest.mark.parametrize(
    ("age", "low"), [(39, None), (40, 40), (44, 40), (45, 45), (69, 65), (70, 70), (74, 70), (75, 70), (76, None)]
)
def test_band_of_age(age: int, low: int | None) -> None:
    band = band_of_age(age)
    assert (band.low if band else None) == low


def test_bands_are_labelled_40_to_74() -> None:
    assert [b.label for b in AGE_BANDS] == ["40–44歳", "45–49歳", "50–54歳", "55–59歳", "60–64歳", "65–69歳", "70–74歳"]


# ---------------------------------------------------------------- properties: bounds ⇔ functions

births = st.dates(min_value=dt.date(1925, 1, 1), max_value=dt.date(2005, 12, 31))
years = st.integers(min_value=2008, max_value=2035)
ages = st.integers(min_value=0, max_value=100)


@given(births, years, ages)
def test_birth_bound_is_the_age_basis(birth: dt.date, year: int, age: int) -> None:
    assert (birth <= born_on_or_before_for_age(year, age)) == (age_basis(birth, year) >= age)


@given(births, years)
def test_target_window_is_target_age(birth: dt.date, year: int) -> None:
    after, by = target_birth_window(year)
    assert (after < birth <= by) == is_target_age(birth, year)


@given(births, years)
def test_leaving_bound_is_the_75th_birthday(birth: dt.date, year: int) -> None:
    assert (birth <= last_birth_date_leaving(year)) == left_by_75(birth, year)


@given(births, years)
def test_target_age_from_stored_basis_agrees(birth: dt.date, year: int) -> None:
    assert is_target_age_basis(age_basis(birth, year), birth) == is_target_age(birth, year)


@given(births, years)
def test_band_window_is_band_of(birth: dt.date, year: int) -> None:
    band = band_of(birth, year)
    for each in AGE_BANDS:
        after, by = band_birth_window(year, each)
        assert (after < birth <= by) == (each == band)


@given(births, years)
def test_age_basis_grows_by_one_each_year(birth: dt.date, year: int) -> None:
    assert age_basis(birth, year + 1) == age_basis(birth, year) + 1


# ---------------------------------------------------------------- the SQL forms agree with Python on the edges


def edge_births() -> list[dt.date]:
    dates = {born(fy, age, m, d) for fy in FISCAL_YEARS for age, m, d, *_ in EDGES}
    return sorted(dates | {dt.date(1952, 2, 29), dt.date(1960, 2, 29), dt.date(1984, 2, 29)})


@pytest.mark.django_db
@pytest.mark.parametrize("fiscal_year", FISCAL_YEARS)
def test_sql_target_age_and_bands_agree_with_python(fiscal_year: int) -> None:
    people = {PersonFactory(birth_date=b).pk: b for b in edge_births()}
    targets = set(InsuredPerson.objects.filter(target_age_q(fiscal_year)).values_list("pk", flat=True))
    assert targets == {pk for pk, b in people.items() if is_target_age(b, fiscal_year)}
    band_case = Case(
        *(When(target_age_q(fiscal_year) & _window_q(fiscal_year, band), then=Value(band.low)) for band in AGE_BANDS),
        default=Value(None),
        output_field=IntegerField(),
    )
    bands = dict(InsuredPerson.objects.annotate(band=band_case).values_list("pk", "band"))
    expected = {pk: (band.low if (band := band_of(b, fiscal_year)) else None) for pk, b in people.items()}
    assert bands == expected


def _window_q(fiscal_year: int, band: AgeBand) -> Q:
    return born_window_q(band_birth_window(fiscal_year, band))


@pytest.mark.django_db
@pytest.mark.parametrize("fiscal_year", FISCAL_YEARS)
def test_sql_target_age_from_stored_basis_agrees_with_python(fiscal_year: int) -> None:
    expected = {}
    for birth in edge_births():
        person = PersonFactory(birth_date=birth)
        checkup = CheckupFactory(
            person=person,
            exam_date=dt.date(fiscal_year, 6, 1),
            age_at_fy_end=age_basis(birth, fiscal_year),
            source="staff_entry",
            bare=True,
        )
        expected[checkup.pk] = is_target_age(birth, fiscal_year)
    found = set(
        Checkup.objects.filter(target_age_basis_q("age_at_fy_end", "person__birth_date")).values_list("pk", flat=True)
    )
    assert found == {pk for pk, target in expected.items() if target}
