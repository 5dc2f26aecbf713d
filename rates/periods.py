"""Dates and age bands that define who counts in a fiscal year's rates (SPEC §1.2, §1.3, §6.3). Pure functions.

Age is never computed per person in Python: every age condition is a birth-date bound from the one definition,
`members.age_basis` (age basis ≥ k ⇔ born on or before April 1 of N+1−k; no 75th birthday by the year's end ⇔
born after March 31 of N+1−75), so the database compares `birth_date` directly.
"""

import datetime as dt

from guidance.contacts import final_evaluation_earliest
from members.age_basis import (
    AGE_BAND_YEARS,
    AGE_BANDS,
    TARGET_AGE_MIN,
    AgeBand,
    band_birth_window,
    band_of_age,
    born_on_or_before_for_age,
    target_birth_window,
)
from members.fiscal import fiscal_year_end, fiscal_year_start

# rules-notes §5.4: programmes of FY N count when completed by the statutory report (法定報告) of November N+1.
# ◆ Decision: the last day that still counts is November 1 of N+1, the report's submission date.
REPORTING_DEADLINE_MONTH = 11
REPORTING_DEADLINE_DAY = 1


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


__all__ = [  # the age pieces are re-exported for the rates' callers; they are defined in members.age_basis
    "AGE_BANDS",
    "AGE_BAND_YEARS",
    "TARGET_AGE_MIN",
    "AgeBand",
    "band_birth_window",
    "band_of_age",
    "born_on_or_before_for_age",
    "latest_initial_interview_for",
    "reporting_deadline",
    "target_birth_window",
    "whole_year",
]
