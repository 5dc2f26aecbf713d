"""Age bands of an employer's employees for a submission (SPEC §1.2, §1.3, §7.1). Pure.

The age basis is 年度末年齢 (SPEC §1.2); as a birth-date bound: age basis ≥ k ⇔ born on or before March 31 of
N+1−k, so the database compares birth dates directly.
"""

import datetime as dt
from dataclasses import dataclass

from members.fiscal import age_at_fiscal_year_end, fiscal_year_end

TARGET_AGE_MIN = 40  # SPEC §1.3, §7.1: from 40 an employer checkup counts as the 特定健診
TARGET_AGE_MAX = 74  # SPEC §1.3: 75 and over leave for 後期高齢者医療


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int  # inclusive age basis
    high: int | None  # inclusive; None = open


BANDS: tuple[Band, ...] = (
    Band("under_40", "40歳未満", 0, TARGET_AGE_MIN - 1),  # SPEC §7.1: stored, never in a rate
    Band("40_74", "40〜74歳", TARGET_AGE_MIN, TARGET_AGE_MAX),  # SPEC §1.3: 特定健診の対象年齢
    Band("75_plus", "75歳以上", TARGET_AGE_MAX + 1, None),
)


def born_on_or_before(fiscal_year: int, age: int) -> dt.date:
    """Latest birth date whose age basis in `fiscal_year` is at least `age` (SPEC §1.2)."""
    end = fiscal_year_end(fiscal_year)
    return end.replace(year=end.year - age)


def band_of(birth_date: dt.date, fiscal_year: int) -> Band:
    age = age_at_fiscal_year_end(birth_date, fiscal_year)
    for band in BANDS:
        if age >= band.low and (band.high is None or age <= band.high):
            return band
    return BANDS[0]


def band_birth_bounds(band: Band, fiscal_year: int) -> tuple[dt.date | None, dt.date | None]:
    """(exclusive lower, inclusive upper) birth-date bounds; None = unbounded."""
    upper = born_on_or_before(fiscal_year, band.low) if band.low > 0 else None
    lower = born_on_or_before(fiscal_year, band.high + 1) if band.high is not None else None
    return lower, upper
