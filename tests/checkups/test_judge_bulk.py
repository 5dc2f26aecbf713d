"""The bulk judging path (`checkups_judge` over a fiscal year): the same results as `judge_row`, writes only
changed rows, syncs programmes only where what a programme depends on changed, and the Celery task's slices."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from checkups.judgments import PREVIOUS_FIELDS, READ_FIELDS, RESULT_FIELDS, judge_row
from checkups.models import Checkup
from checkups.services import checkup_pk_slices
from checkups.stratification import INPUT_FIELDS, StratificationInputs
from checkups.tasks import checkups_restratify_task
from guidance.models import Programme
from intake.services import checkups_judge
from tests.factories import CheckupFactory, PersonFactory

EXAM = dt.date(2025, 6, 2)


def _d(rng: random.Random, low: float, high: float, share_missing: float = 0.1) -> Decimal | None:
    return None if rng.random() < share_missing else Decimal(f"{rng.uniform(low, high):.1f}")


def _checkup(person, rng: random.Random, *, fiscal_year: int = 2025, **extra) -> Checkup:
    exam = EXAM.replace(year=fiscal_year)
    values = {
        "height_cm": _d(rng, 145, 185, 0.02),
        "weight_kg": _d(rng, 45, 110, 0.02),
        "waist_cm": _d(rng, 65, 115),
        "systolic_1": _d(rng, 100, 170),
        "systolic_2": _d(rng, 100, 170, 0.3),
        "diastolic_1": _d(rng, 60, 105),
        "diastolic_2": _d(rng, 60, 105, 0.3),
        "meal_timing": rng.choice([2, 2, 3, 4, None]),
        "triglycerides_fasting": _d(rng, 50, 300),
        "triglycerides_random": _d(rng, 50, 300, 0.7),
        "hdl": _d(rng, 30, 80),
        "glucose_fasting": _d(rng, 80, 140, 0.3),
        "hba1c": _d(rng, 4.8, 7.0, 0.2),
        "med_blood_pressure": rng.choice([1, 2, 2, 2, None]),
        "med_glucose": rng.choice([1, 2, 2, 2, None]),
        "med_lipids": rng.choice([1, 2, 2, 2, None]),
        "smoking": rng.choice([1, 2, 3, None]),
        "drinking_frequency": rng.choice([1, 3, 5, 8, None]),
        "drinking_amount": rng.choice([1, 2, 3, 5, None]),
        "clinic_guidance_level": rng.choice([None, None, 1, 3]),
    }
    values.update(extra)
    return CheckupFactory(
        person=person,
        exam_date=exam,
        fiscal_year=fiscal_year,
        age_at_fy_end=rng.choice([39, 45, 55, 64, 65, 70, 74, 75]),
        source="file_import",
        **{"guidance_level": None, **values},  # not judged yet
    )


@pytest.fixture
def population(world):
    rng = random.Random(20261126)
    people = [PersonFactory(insurer=world.insurer_a) for _ in range(120)]
    for person in people[:40]:  # last year's counted checkup for SPEC §2.8
        _checkup(person, rng, fiscal_year=2024, guidance_level=1)
    return [_checkup(person, rng) for person in people]


def test_bulk_judging_equals_judge_row(population) -> None:
    assert checkups_judge(fiscal_year=2025, batch_size=17) == len(population)
    rows = Checkup.objects.filter(fiscal_year=2025).values("pk", "person__sex", "person_id", *READ_FIELDS)
    stored = {r["pk"]: r for r in Checkup.objects.filter(fiscal_year=2025).values("pk", *RESULT_FIELDS)}
    last_year = {
        r["person_id"]: r for r in Checkup.objects.filter(fiscal_year=2024).values("person_id", *PREVIOUS_FIELDS)
    }
    levels = set()
    for row in rows:
        expected = judge_row(row, sex=row["person__sex"], previous=last_year.get(row["person_id"]))
        assert {k: stored[row["pk"]][k] for k in RESULT_FIELDS} == expected, row["pk"]
        levels.add(expected["guidance_level"])
    assert len(levels) >= 3


def test_from_values_equals_from_mapping() -> None:
    row = dict.fromkeys(INPUT_FIELDS) | {"sex": 1, "waist_cm": Decimal("85.0"), "smoking": 1}
    values = [row[name] for name in INPUT_FIELDS]
    assert StratificationInputs.from_values(values) == StratificationInputs.from_mapping(row)
    with pytest.raises(ValueError, match="sex"):
        StratificationInputs.from_values([None] * len(INPUT_FIELDS))
    with pytest.raises(ValueError, match="finite"):
        StratificationInputs.from_values([1, Decimal("NaN"), *[None] * (len(INPUT_FIELDS) - 2)])


def test_rerun_writes_nothing_and_a_rule_change_rewrites_every_row(population) -> None:
    checkups_judge(fiscal_year=2025)
    stamps = dict(Checkup.objects.filter(fiscal_year=2025).values_list("pk", "stratified_at"))
    checkups_judge(fiscal_year=2025)
    assert dict(Checkup.objects.filter(fiscal_year=2025).values_list("pk", "stratified_at")) == stamps
    Checkup.objects.filter(fiscal_year=2025).update(rules_version="")  # as after a rule-table change
    checkups_judge(fiscal_year=2025)
    after = dict(Checkup.objects.filter(fiscal_year=2025).values_list("pk", "stratified_at"))
    assert all(after[pk] != stamp for pk, stamp in stamps.items())
    assert set(Checkup.objects.filter(fiscal_year=2025).values_list("rules_version", flat=True)) == {"4th"}


def test_a_new_record_alone_touches_no_programme_but_a_level_change_does(population) -> None:
    checkups_judge(fiscal_year=2025)
    programmes = dict(Programme.objects.values_list("checkup_id", "updated_at"))
    assert programmes  # some checkups make one
    Checkup.objects.filter(fiscal_year=2025).update(rules_version="", judgment={})
    checkups_judge(fiscal_year=2025)
    assert dict(Programme.objects.values_list("checkup_id", "updated_at")) == programmes
    # a stored level that differs from the rules: the re-run corrects it and the programme follows
    changed = next(iter(programmes))
    Programme.objects.filter(checkup_id=changed).update(level=3 - Programme.objects.get(checkup_id=changed).level)
    Checkup.objects.filter(pk=changed).update(guidance_level=3)
    checkups_judge(fiscal_year=2025)
    checkup = Checkup.objects.get(pk=changed)
    assert Programme.objects.get(checkup_id=changed).level == checkup.guidance_level
    # a programme missing where one is needed is created (out of step), one where none is needed is removed
    Programme.objects.filter(checkup_id=changed).delete()
    other = Checkup.objects.filter(fiscal_year=2025, guidance_level=3, age_at_fy_end=55).first()
    checkups_judge(fiscal_year=2025)
    assert Programme.objects.filter(checkup_id=changed).exists()
    assert other is None or not Programme.objects.filter(checkup_id=other.pk).exists()


def test_targeted_judging_refreshes_the_programme_of_a_corrected_exam(population) -> None:
    checkups_judge(fiscal_year=2025)
    programme = Programme.objects.select_related("checkup").first()
    Programme.objects.filter(pk=programme.pk).update(evaluation={})
    checkups_judge(checkup_ids=[programme.checkup_id])  # an upload or a correction: nothing else changed
    assert Programme.objects.get(pk=programme.pk).evaluation != {}


def test_task_splits_the_year_into_slices_that_cover_it(population) -> None:
    slices = checkup_pk_slices(fiscal_year=2025, parts=2)
    assert len(slices) == 2 and slices[0][1] < slices[1][0]
    Checkup.objects.filter(fiscal_year=2025).update(guidance_level=None, rules_version="")
    assert checkups_restratify_task.delay(2025).get() == 2  # eager Celery: the slice tasks run inline
    assert not Checkup.objects.filter(fiscal_year=2025, guidance_level=None).exists()
    assert checkup_pk_slices(fiscal_year=2031, parts=2) == []
