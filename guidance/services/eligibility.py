"""Which checkups make a programme (SPEC §1.3, §2.5, §5.1): the queryset the sync reads and the same rule on one
checkup's values (the bulk paths decide in Python)."""

import datetime as dt

from django.db.models import QuerySet

from checkups.models import Checkup
from members.age_basis import is_target_age_basis, target_age_basis_q

from ..levels import LEVEL_FROM_CHECKUP


def eligible_checkups(checkup_ids: list[int]) -> QuerySet:
    """Checkups that make a programme: guidance level 1 or 2, no medication exception, of target age (age basis
    40–74, or 75 when born on April 1: `members.age_basis`), the record counted for its fiscal year (SPEC §1.3,
    §2.5, §5.1)."""
    return Checkup.objects.filter(
        target_age_basis_q("age_at_fy_end", "person__birth_date"),
        pk__in=checkup_ids,
        guidance_level__in=list(LEVEL_FROM_CHECKUP),
        medication_excluded=False,
        counts_for_fiscal_year=True,
    )


def checkup_makes_programme(
    *, level: int | None, medication_excluded: bool, age_at_fy_end: int, birth_date: dt.date, counted: bool
) -> bool:
    """`eligible_checkups` for one checkup's values (the bulk restratification decides in Python which rows need a
    sync)."""
    return (
        level in LEVEL_FROM_CHECKUP
        and not medication_excluded
        and is_target_age_basis(age_at_fy_end, birth_date)
        and counted
    )
