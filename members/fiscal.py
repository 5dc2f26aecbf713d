"""Fiscal year (年度): SPEC §1.1. Pure functions. The age basis (年度末年齢, SPEC §1.2) is `members.age_basis`."""

import datetime as dt

FISCAL_YEAR_START_MONTH = 4  # SPEC §1.1: FY N runs from April 1 of N to March 31 of N+1
FOURTH_PERIOD_FIRST_FY = 2024  # 第4期 = FY2024–FY2029


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year a date belongs to (SPEC §1.1)."""
    return day.year if day.month >= FISCAL_YEAR_START_MONTH else day.year - 1


def fiscal_year_start(fiscal_year: int) -> dt.date:
    return dt.date(fiscal_year, FISCAL_YEAR_START_MONTH, 1)


def fiscal_year_end(fiscal_year: int) -> dt.date:
    """March 31 of the next calendar year."""
    return dt.date(fiscal_year + 1, 3, 31)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Completed years on `day`, counted by birthdays (a plain age, e.g. on the exam date for a range check);
    never the age basis of a fiscal year, which is `members.age_basis.age_basis` (SPEC §1.2)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def month_start(day: dt.date) -> dt.date:
    """The first day of the calendar month of `day`."""
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the calendar month of `day` (Feb 28/29 included)."""
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)
