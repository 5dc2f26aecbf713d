"""The programme eligibility rule (SPEC §1.3, §2.5, §5.1) has a query form (`eligible_checkups`, what the sync
reads) and a value form (`checkup_makes_programme`, what the bulk paths decide in Python): both must select
exactly the same checkups, at every boundary of every condition."""

import datetime as dt
import itertools

import pytest

from guidance.services.eligibility import checkup_makes_programme, eligible_checkups
from tests.factories import CheckupFactory, PersonFactory

LEVELS = (None, 1, 2, 3, 4)
AGES = (39, 40, 74, 75)  # the age basis around 40–74 and the April-1 birth at 75 (SPEC §1.3)
BIRTHS = (dt.date(1950, 4, 1), dt.date(1950, 4, 2))


@pytest.mark.django_db
def test_the_query_and_the_value_form_of_eligibility_agree_on_every_combination() -> None:
    expected, ids = set(), []
    for n, (level, medication, age, birth, counted) in enumerate(
        itertools.product(LEVELS, (False, True), AGES, BIRTHS, (False, True))
    ):
        person = PersonFactory(card_number=f"9{n:04d}", birth_date=birth)
        checkup = CheckupFactory(
            person=person,
            guidance_level=level,
            medication_excluded=medication,
            age_at_fy_end=age,
            counts_for_fiscal_year=counted,
        )
        ids.append(checkup.pk)
        if checkup_makes_programme(
            level=level, medication_excluded=medication, age_at_fy_end=age, birth_date=birth, counted=counted
        ):
            expected.add(checkup.pk)
    assert 0 < len(expected) < len(ids)
    assert set(eligible_checkups(ids).values_list("pk", flat=True)) == expected
