"""Dates and age bands that define who counts in a fiscal year's rates (SPEC §1.2, §1.3, §6.3). Pure functions.

Age is never computed per person in Python: every age condition is turned into a birth-date bound, so the
database can compare `birth_date` directly (年度末年齢 a ≥ k ⇔ born on or before March 31 of N+1−k).
"""

import datetime as dt
from dataclasses import dataclass

from guidance.contacts import final_evaluation_earliest
from members.fiscal import fiscal_year_end, fiscal_year_start

TARGET_AGE_MIN = 40  # SPEC §1.3: age basis 40–74
TARGET_AGE_MAX = 74  # SPEC §1.3: people reaching 75 leave for 後期高齢者医療 on their birthday
AGE_BAND_YEARS = 5  # SPEC §6.3, §6.5: 5-year bands 40–44 … 70–74

# rules-notes §5.4: programmes of FY N count when completed by the statutory report (法定報告) of November N+1.
# ◆ Decision: the last day that still counts is November 1 of N+1, the report's submission date.
REPORTING_DEADLINE_MONTH = 11
REPORTING_DEADLINE_DAY = 1


@dataclass(frozen=True)
class AgeBand:
    """A 5-year band of the age basis (年度末年齢), inclusive at both ends."""

    low: int
    high: int

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}歳"


AGE_BANDS: tuple[AgeBand, ...] = tuple(
    AgeBand(low, low + AGE_BAND_YEARS - 1) for low in range(TARGET_AGE_MIN, TARGET_AGE_MAX + 1, AGE_BAND_YEARS)
)


def born_on_or_before_for_age(fiscal_year: int, age: int) -> dt.date:
    """Latest birth date whose age basis in `fiscal_year` is at least `age` (SPEC §1.2 ◆ birthdays)."""
    end = fiscal_year_end(fiscal_year)
    return end.replace(year=end.year - age)


def target_birth_window(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """(exclusive lower, inclusive upper) birth-date bounds of age basis 40–74 (SPEC §1.3)."""
    return (
        born_on_or_before_for_age(fiscal_year, TARGET_AGE_MAX + 1),
        born_on_or_before_for_age(fiscal_year, TARGET_AGE_MIN),
    )


def band_birth_window(fiscal_year: int, band: AgeBand) -> tuple[dt.date, dt.date]:
    """(exclusive lower, inclusive upper) birth-date bounds of one age band in `fiscal_year`."""
    return born_on_or_before_for_age(fiscal_year, band.high + 1), born_on_or_before_for_age(fiscal_year, band.low)


def band_of_age(age: int) -> AgeBand | None:
    for band in AGE_BANDS:
        if band.low <= age <= band.high:
            return band
    return None


def whole_year(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the fiscal year (SPEC §1.1): enrolled through both means a target (SPEC §1.3)."""
    return fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)


def reporting_deadline(fiscal_year: int) -> dt.date:
    """Last day a programme of FY N may complete and still count for FY N (rules-notes §5.4, ◆ above)."""
    return dt.date(fiscal_year + 1, REPORTING_DEADLINE_MONTH, REPORTING_DEADLINE_DAY)


def latest_initial_interview_for(deadline: dt.date) -> dt.date:
    """Latest initial-interview date whose final evaluation (≥ 3 months later, SPEC §5.3) can be held by `deadline`."""
    day = deadline - dt.timedelta(days=100)  # 3 months never exceed 92 days: start below, walk forward
    while final_evaluation_earliest(day + dt.timedelta(days=1)) <= deadline:
        day += dt.timedelta(days=1)
    return day
