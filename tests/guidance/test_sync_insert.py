"""The bulk insert of new programmes (COPY on PostgreSQL, a shared evaluation per identical inputs) stores exactly
what a model instance built from the rules engine would (`guidance.services.programme_creation.new_programme`)."""

import datetime as dt
from decimal import Decimal

import pytest

from guidance.facts import EVALUATION_FIELDS, evaluation_fields, programme_facts
from guidance.levels import LEVEL_FROM_CHECKUP
from guidance.models import Programme
from guidance.rules import evaluate
from guidance.services import programmes_sync_for_checkups
from guidance.services.programme_creation import new_programme, programmes_insert
from tests.factories import PersonFactory
from tests.guidance.conftest import TODAY, make_checkup

CASES = [
    # (level, exam date, weight, waist): light/heavy (SPEC §5.5 target threshold), missing values, shared inputs
    (1, dt.date(2025, 5, 12), Decimal("80.0"), Decimal("95.0")),
    (1, dt.date(2025, 5, 12), Decimal("80.0"), Decimal("95.0")),
    (2, dt.date(2025, 5, 12), Decimal("80.0"), Decimal("95.0")),
    (1, dt.date(2025, 6, 1), Decimal("52.3"), Decimal("86.1")),
    (2, dt.date(2026, 3, 31), Decimal("66.6"), None),
    (1, dt.date(2025, 4, 1), None, Decimal("90.0")),
    (2, dt.date(2026, 11, 20), Decimal("120.4"), Decimal("130.0")),
]


@pytest.mark.parametrize("today", [TODAY, dt.date(2025, 6, 15)])
def test_inserted_programmes_equal_the_engine(world, today: dt.date) -> None:
    checkups = [
        make_checkup(
            PersonFactory(insurer=world.insurer_a), level=level, exam_date=day, weight_kg=weight, waist_cm=waist
        )
        for level, day, weight, waist in CASES
    ]
    assert programmes_sync_for_checkups(checkup_ids=[c.pk for c in checkups], today=today) == len(CASES)
    for checkup in checkups:
        stored = Programme.objects.get(checkup=checkup)
        level = LEVEL_FROM_CHECKUP[checkup.guidance_level]
        facts = programme_facts(
            level=level,
            exam_date=checkup.exam_date,
            exam_weight_kg=checkup.weight_kg,
            exam_waist_cm=checkup.waist_cm,
            contacts=(),
            today=today,
        )
        expected = evaluation_fields(evaluate(facts), [])
        assert {name: getattr(stored, name) for name in EVALUATION_FIELDS} == expected
        reference = new_programme(
            (checkup.pk, checkup.person_id, checkup.insurer_id, checkup.fiscal_year, checkup.guidance_level, False,
             checkup.exam_date, checkup.weight_kg, checkup.waist_cm),
            today,
        )  # fmt: skip
        for field in Programme._meta.concrete_fields:
            if field.name not in ("id", "created_at", "updated_at"):
                assert getattr(stored, field.attname) == getattr(reference, field.attname), field.name
        assert stored.created_at is not None and stored.updated_at is not None


def test_insert_skips_a_checkup_that_already_has_a_programme(world) -> None:
    checkup = make_checkup(world.person_a, level=1)
    assert programmes_sync_for_checkups(checkup_ids=[checkup.pk], today=TODAY) == 1
    Programme.objects.filter(checkup=checkup).update(version=7)
    programmes_insert([{"checkup_id": checkup.pk, "person_id": checkup.person_id, "insurer_id": checkup.insurer_id,
                         "fiscal_year": 2025, "level": 1}])  # fmt: skip
    assert Programme.objects.get(checkup=checkup).version == 7
