"""Age bands of an employer's employees for a submission (SPEC §1.2, §1.3, §7.1). Pure.

Every band is a condition of `members.age_basis` (the one definition): under 40 = age basis below 40 (SPEC §7.1:
stored, never in a rate); 40–74 = of checkup target age (age basis 40 or more and no 75th birthday by March 31
of N+1, so an April-1 birth with age basis 75 is here, SPEC §1.3); 75 and over = the 75th birthday on or before
the year's end (後期高齢者医療). As birth-date bounds, so the database compares birth dates directly.
"""

import datetime as dt
from dataclasses import dataclass

from members.age_basis import (
    TARGET_AGE_MIN,
    age_basis,
    born_on_or_before_for_age,
    is_target_age,
    last_birth_date_leaving,
    target_birth_window,
)

__all__ = ["BANDS", "TARGET_AGE_MIN", "Band", "band_birth_bounds", "band_of"]


@dataclass(frozen=True)
class Band:
    key: str
    label: str


UNDER_40 = Band("under_40", "40歳未満")  # SPEC §7.1
TARGET_AGES = Band("40_74", "40〜74歳")  # SPEC §1.3: 特定健診の対象年齢 (incl. age basis 75 of an April-1 birth)
LATTER_STAGE = Band("75_plus", "75歳以上")  # SPEC §1.3: 75th birthday by the year's end
BANDS: tuple[Band, ...] = (UNDER_40, TARGET_AGES, LATTER_STAGE)


def band_of(birth_date: dt.date, fiscal_year: int) -> Band:
    if age_basis(birth_date, fiscal_year) < TARGET_AGE_MIN:
        return UNDER_40
    return TARGET_AGES if is_target_age(birth_date, fiscal_year) else LATTER_STAGE


def band_birth_bounds(band: Band, fiscal_year: int) -> tuple[dt.date | None, dt.date | None]:
    """(exclusive lower, inclusive upper) birth-date bounds of `band_of`; None = unbounded."""
    if band == UNDER_40:
        return born_on_or_before_for_age(fiscal_year, TARGET_AGE_MIN), None
    if band == TARGET_AGES:
        return target_birth_window(fiscal_year)
    return None, last_birth_date_leaving(fiscal_year)
