"""Age basis (年度末年齢) and the age conditions of a fiscal year: SPEC §1.2, §1.3, §2.5b, §6.5, §6.6.

The one definition. Every other place (stratification's 65 rule, the rates' targets and bands, the employer-data
split, guidance eligibility, the portal's words, the work lists, the demo) calls these functions or the birth-date
bounds below, which turn each age condition into a plain comparison of `birth_date` so the database can count
whole populations.

年齢計算ニ関スル法律 with 民法143条: an age is reached at the end of the day before the birthday, so a person born on
April 1 reaches the new age on March 31 — inside the fiscal year. Hence (SPEC §1.2, revised ◆) the age basis for
FY N is the number of birthdays on or before April 1 of N+1: born 1985-04-01 → 40 in FY2024 (a target), born
1960-04-01 → 65 in FY2024 (積極的支援 becomes 動機付け支援), born 1985-04-02 → 39.

A person born on February 29 reaches the age at the end of February 28 in a non-leap year (民法143条 ②: no
corresponding day, so the period ends on the last day of the month): their birthday in such a year is taken as
February 28. That is always before April 1, so the age basis needs no special case; the 75th birthday (used for
後期高齢者医療) is February 28 of a non-leap year, inside the same fiscal year either way.

Leaving at 75 (SPEC §1.3): people move to 後期高齢者医療 on their 75th birthday, so whoever has it between April 1
of N and March 31 of N+1 is not enrolled all year and is no target. A person born on April 1 has it on April 1
of N+1, the first day of the next year: age basis 75, still a target, counted in the 70–74 band (SPEC §6.6).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from .fiscal import fiscal_year_end, fiscal_year_start

AGE_BASIS_MONTH, AGE_BASIS_DAY = 4, 1  # SPEC §1.2: birthdays on or before April 1 of N+1 count for FY N
TARGET_AGE_MIN = 40  # SPEC §1.3: age basis 40 or more (ordinance 157 第1条 "四十歳以上")
LATTER_STAGE_AGE = 75  # SPEC §1.3: 後期高齢者医療 from the 75th birthday; whoever has it within FY N is no target
TARGET_AGE_BASIS_MAX = LATTER_STAGE_AGE  # SPEC §1.3: a target's age basis is at most 75 (April-1 births only)
SENIOR_AGE_MIN = 65  # SPEC §2.5b: age basis 65 or more → 積極的支援 becomes 動機付け支援
AGE_BAND_YEARS = 5  # SPEC §6.3, §6.5, §6.6: 5-year bands of the age basis
BAND_AGE_MAX = LATTER_STAGE_AGE - 1  # SPEC §6.6: the last band is 70–74; age basis 75 is counted in it


# ---------------------------------------------------------------- person by person (pure, over dates)


def birthday_in(birth_date: dt.date, year: int) -> dt.date:
    """The birthday in `year`; February 29 is February 28 in a non-leap year (民法143条, module docstring)."""
    try:
        return birth_date.replace(year=year)
    except ValueError:  # February 29 in a non-leap year
        return dt.date(year, 2, 28)


def age_basis(birth_date: dt.date, fiscal_year: int) -> int:
    """年度末年齢 of FY N: the number of birthdays on or before April 1 of N+1 (SPEC §1.2 revised)."""
    counted_day = dt.date(fiscal_year + 1, AGE_BASIS_MONTH, AGE_BASIS_DAY)
    return counted_day.year - birth_date.year - int(birthday_in(birth_date, counted_day.year) > counted_day)


def latter_stage_birthday(birth_date: dt.date) -> dt.date:
    """The 75th birthday: the day the person moves to 後期高齢者医療 (SPEC §1.3)."""
    return birthday_in(birth_date, birth_date.year + LATTER_STAGE_AGE)


def reaches_75_within_year(birth_date: dt.date, fiscal_year: int) -> bool:
    """The 75th birthday falls between April 1 of N and March 31 of N+1 (SPEC §1.3): not enrolled all year."""
    return fiscal_year_start(fiscal_year) <= latter_stage_birthday(birth_date) <= fiscal_year_end(fiscal_year)


def left_by_75(birth_date: dt.date, fiscal_year: int) -> bool:
    """The 75th birthday is on or before March 31 of N+1: within the year (above) or already before it."""
    return latter_stage_birthday(birth_date) <= fiscal_year_end(fiscal_year)


def is_target_age(birth_date: dt.date, fiscal_year: int) -> bool:
    """The age part of 特定健診対象者 (SPEC §1.3): age basis ≥ 40 and no 75th birthday by the year's end.

    Enrollment all year and exclusions (SPEC §1.3, §1.4) are the rest of the target rule (`rates.computation`).
    """
    return age_basis(birth_date, fiscal_year) >= TARGET_AGE_MIN and not left_by_75(birth_date, fiscal_year)


def is_target_age_basis(age: int, birth_date: dt.date) -> bool:
    """`is_target_age` from a stored age basis and the birth date (for rows that carry the age, e.g. a checkup).

    An age basis of 75 means the 75th birthday fell between April 2 of N and April 1 of N+1, so only an April-1
    birth (75th birthday on April 1 of N+1) is still a target (SPEC §1.3).
    """
    if age == TARGET_AGE_BASIS_MAX:
        return (birth_date.month, birth_date.day) == (AGE_BASIS_MONTH, AGE_BASIS_DAY)
    return TARGET_AGE_MIN <= age < TARGET_AGE_BASIS_MAX


def is_senior(age: int) -> bool:
    """SPEC §2.5b: age basis 65 or more (65–75 among targets) → 積極的支援 becomes 動機付け支援."""
    return age >= SENIOR_AGE_MIN


def first_target_fiscal_year(birth_date: dt.date) -> int:
    """The first fiscal year whose age basis is 40 (SPEC §1.2, §1.3)."""
    born_by_counted_day = (birth_date.month, birth_date.day) <= (AGE_BASIS_MONTH, AGE_BASIS_DAY)
    return birth_date.year + TARGET_AGE_MIN - (1 if born_by_counted_day else 0)


# ---------------------------------------------------------------- 5-year bands (SPEC §6.3, §6.5, §6.6)


@dataclass(frozen=True)
class AgeBand:
    """A 5-year band of the age basis, inclusive at both ends as labelled (40–44 … 70–74).

    The last band also holds age basis 75 (April-1 births that are still targets, SPEC §6.6): `holds`."""

    low: int
    high: int

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}歳"

    @property
    def top(self) -> int:
        """The highest age basis counted in the band."""
        return TARGET_AGE_BASIS_MAX if self.high == BAND_AGE_MAX else self.high

    def holds(self, age: int) -> bool:
        return self.low <= age <= self.top


AGE_BANDS: tuple[AgeBand, ...] = tuple(
    AgeBand(low, low + AGE_BAND_YEARS - 1) for low in range(TARGET_AGE_MIN, BAND_AGE_MAX + 1, AGE_BAND_YEARS)
)


def band_of_age(age: int) -> AgeBand | None:
    """The band of an age basis (75 → 70–74, SPEC §6.6); None outside 40–75."""
    for band in AGE_BANDS:
        if band.holds(age):
            return band
    return None


def band_of(birth_date: dt.date, fiscal_year: int) -> AgeBand | None:
    """The band of a person in FY N; None unless of target age (SPEC §1.3), so bands only ever count targets."""
    if not is_target_age(birth_date, fiscal_year):
        return None
    return band_of_age(age_basis(birth_date, fiscal_year))


# ---------------------------------------------------------------- as birth-date bounds (for SQL over populations)


def born_on_or_before_for_age(fiscal_year: int, age: int) -> dt.date:
    """Latest birth date whose age basis in FY N is at least `age`: April 1 of N+1−age (SPEC §1.2).

    April 1 exists in every year, so there is no February-29 case: age_basis(b, N) ≥ age ⇔ b ≤ this date.
    """
    return dt.date(fiscal_year + 1 - age, AGE_BASIS_MONTH, AGE_BASIS_DAY)


def last_birth_date_leaving(fiscal_year: int) -> dt.date:
    """Latest birth date whose 75th birthday is on or before March 31 of N+1 (`left_by_75`, SPEC §1.3).

    March 31 of N+1−75: a February-29 birth of that year (75th birthday February 28) is before it, as it should.
    """
    end = fiscal_year_end(fiscal_year)
    return dt.date(end.year - LATTER_STAGE_AGE, end.month, end.day)


def target_birth_window(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """(exclusive lower, inclusive upper) birth-date bounds of `is_target_age` in FY N (SPEC §1.3).

    FY2024: born 1950-04-01 … 1985-04-01, i.e. (1950-03-31, 1985-04-01].
    """
    return last_birth_date_leaving(fiscal_year), born_on_or_before_for_age(fiscal_year, TARGET_AGE_MIN)


def band_birth_window(fiscal_year: int, band: AgeBand) -> tuple[dt.date, dt.date]:
    """(exclusive lower, inclusive upper) birth-date bounds of one band, within the targets (`band_of`)."""
    target_after, _ = target_birth_window(fiscal_year)
    return (
        max(born_on_or_before_for_age(fiscal_year, band.top + 1), target_after),
        born_on_or_before_for_age(fiscal_year, band.low),
    )


def born_window_q(window: tuple[dt.date | None, dt.date | None], field: str = "birth_date") -> Q:
    """A (exclusive lower, inclusive upper) birth-date window as a WHERE clause; None = unbounded."""
    after, by = window
    condition = Q()
    if after is not None:
        condition &= Q(**{f"{field}__gt": after})
    if by is not None:
        condition &= Q(**{f"{field}__lte": by})
    return condition


def target_age_q(fiscal_year: int, field: str = "birth_date") -> Q:
    """`is_target_age` in SQL, for whole populations (SPEC §1.3)."""
    return born_window_q(target_birth_window(fiscal_year), field)


def target_age_basis_q(age_field: str, birth_field: str) -> Q:
    """`is_target_age_basis` in SQL, for rows that store the age basis (a checkup's `age_at_fy_end`)."""
    lookups: dict[str, Any] = {
        age_field: TARGET_AGE_BASIS_MAX,
        f"{birth_field}__month": AGE_BASIS_MONTH,
        f"{birth_field}__day": AGE_BASIS_DAY,
    }
    return Q(**{f"{age_field}__gte": TARGET_AGE_MIN, f"{age_field}__lt": TARGET_AGE_BASIS_MAX}) | Q(**lookups)


def senior_age_basis_q(age_field: str) -> Q:
    """`is_senior` in SQL (SPEC §2.5b)."""
    return Q(**{f"{age_field}__gte": SENIOR_AGE_MIN})


__all__ = [
    "AGE_BANDS",
    "AGE_BAND_YEARS",
    "AGE_BASIS_DAY",
    "AGE_BASIS_MONTH",
    "BAND_AGE_MAX",
    "LATTER_STAGE_AGE",
    "SENIOR_AGE_MIN",
    "TARGET_AGE_BASIS_MAX",
    "TARGET_AGE_MIN",
    "AgeBand",
    "age_basis",
    "band_birth_window",
    "band_of",
    "band_of_age",
    "birthday_in",
    "born_on_or_before_for_age",
    "born_window_q",
    "first_target_fiscal_year",
    "is_senior",
    "is_target_age",
    "is_target_age_basis",
    "last_birth_date_leaving",
    "latter_stage_birthday",
    "left_by_75",
    "reaches_75_within_year",
    "senior_age_basis_q",
    "target_age_basis_q",
    "target_age_q",
    "target_birth_window",
]
