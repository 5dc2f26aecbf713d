import datetime as dt
from decimal import Decimal

import pytest

from checkups.codes import GuidanceLevel, MetabolicJudgment, Source
from checkups.mhlw.validation import validate_document
from checkups.models import Checkup, CheckupCorrection, HeldRecord
from checkups.services import CorrectionRefused
from intake.services import (
    RecordRefused,
    checkup_correct_item,
    checkup_receive,
    checkup_store,
    checkups_restratify,
    held_record_link,
)
from tests.checkups.documents import document
from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def person(world):
    return world.person_a


def test_sample_like_document_validates(person) -> None:
    assert validate_document(document(person), today=dt.date(2026, 11, 26)).ok


def test_store_computes_columns_levels_and_record(person) -> None:
    checkup, created = checkup_store(person=person, document=document(person), source=Source.CLINIC_API)
    assert created
    assert (checkup.fiscal_year, checkup.age_at_fy_end) == (2025, 56)
    assert checkup.waist_cm == Decimal("88.0")
    assert checkup.bmi == Decimal("24.9")
    # waist 88 ≥ 85 → group A; BP mean 131 ≥ 130 and fasting glucose 104 ≥ 100 → 2 risks → 積極的支援
    assert checkup.guidance_level == GuidanceLevel.INTENSIVE
    assert checkup.metabolic_judgment == MetabolicJudgment.PRE  # BP only (glucose 104 < 110)
    assert checkup.judgment["group"] == "A"
    assert checkup.judgment["values"]["systolic_mean"] == "131.0"
    assert checkup.items["9N016160100000001"]["value"] == "88.0"
    assert checkup.counts_for_fiscal_year
    assert checkup.current_smoker is False


def test_resend_replaces_the_record(person) -> None:
    checkup_store(person=person, document=document(person), source=Source.CLINIC_API)
    checkup, created = checkup_store(
        person=person, document=document(person, items={"9N016160100000001": "80.0"}), source=Source.CLINIC_API
    )
    assert not created
    assert Checkup.objects.count() == 1
    assert checkup.guidance_level == GuidanceLevel.INFORMATION  # waist 80, BMI 24.9: neither group


def test_clinic_sent_level_that_differs_is_flagged(person) -> None:
    doc = document(person, items={"9N506000000000011": ("CD", "2", "", "1.2.392.200119.6.3001")})
    checkup, _ = checkup_store(person=person, document=doc, source=Source.CLINIC_API)
    assert checkup.clinic_guidance_level == 2
    assert checkup.guidance_level == GuidanceLevel.INTENSIVE
    assert checkup.clinic_mismatch


def test_medication_makes_information_only_and_keeps_the_rule_level(person) -> None:
    doc = document(person, items={"9N701000000000011": "1"})
    checkup, _ = checkup_store(person=person, document=doc, source=Source.CLINIC_API)
    assert checkup.guidance_level == GuidanceLevel.INFORMATION
    assert checkup.medication_excluded
    assert checkup.guidance_level_without_medication == GuidanceLevel.INTENSIVE


def test_unmatched_person_is_held_then_linked(world) -> None:
    doc = document(None, card_number="999")
    result = checkup_receive(insurer=world.insurer_a, document=doc, source=Source.CLINIC_API)
    assert result.checkup is None
    held = result.held
    assert held is not None
    assert held.status == HeldRecord.Status.HELD
    assert "一致する加入者" in held.reason_ja
    target = PersonFactory(insurer=world.insurer_a, card_number="998", birth_date=dt.date(1970, 1, 1))
    checkup = held_record_link(held=held, person=target, user=UserFactory(username="staff1"))
    assert checkup.person == target
    held.refresh_from_db()
    assert held.status == HeldRecord.Status.LINKED


def test_linking_a_held_record_over_a_stored_exam_keeps_each_change_in_the_history(world) -> None:
    """One store path (issue #12): a held record linked onto an exam already stored is a correction with the
    staff member as its sender, not a silent replacement."""
    person = world.person_a
    stored, _ = checkup_store(person=person, document=document(person), source=Source.CLINIC_API)
    doc = document(person, card_number="999", items={"9N016160100000001": "80.0"})
    held = checkup_receive(insurer=world.insurer_a, document=doc, source=Source.CLINIC_API).held
    assert held is not None
    staff = UserFactory(username="staff2")
    linked = held_record_link(held=held, person=person, user=staff)
    assert linked.pk == stored.pk and Checkup.objects.count() == 1
    assert linked.guidance_level == GuidanceLevel.INFORMATION  # waist 80, BMI 24.9: neither group
    change = CheckupCorrection.objects.get(checkup=stored)
    assert (change.item_code, change.new_value["value"], change.kind) == ("9N016160100000001", "80.0", "resend")
    assert change.corrected_by == staff and change.submitter == f"user:{staff.pk}"


def test_a_record_for_another_insurer_is_refused_by_the_one_store_path(world) -> None:
    doc = document(world.person_b)
    with pytest.raises(RecordRefused) as refused:
        checkup_receive(insurer=world.insurer_a, document=doc, source=Source.EMPLOYER)
    assert refused.value.errors and not Checkup.objects.exists() and not HeldRecord.objects.exists()


def test_card_matches_but_birth_date_differs_is_held(world) -> None:
    doc = document(world.person_a, birth_date=dt.date(1980, 1, 1))
    result = checkup_receive(insurer=world.insurer_a, document=doc, source=Source.CLINIC_API)
    assert result.held is not None
    assert "生年月日" in result.held.reason_ja


def test_full_width_card_in_document_matches(world) -> None:
    doc = document(world.person_a, card_symbol="１０", card_number="１１１")
    assert checkup_receive(insurer=world.insurer_a, document=doc, source=Source.CLINIC_API).checkup is not None


def test_one_counted_checkup_per_year_complete_first_then_earlier(person) -> None:
    employer, _ = checkup_store(
        person=person,
        document=document(person, exam_date=dt.date(2025, 5, 1), program="030"),
        source=Source.EMPLOYER,
        missing_items=[{"field": "items[9N701000000000011]"}],
    )
    clinic, _ = checkup_store(
        person=person, document=document(person, exam_date=dt.date(2025, 9, 1)), source=Source.CLINIC_API
    )
    employer.refresh_from_db()
    assert (employer.counts_for_fiscal_year, clinic.counts_for_fiscal_year) == (False, True)
    assert Checkup.objects.filter(person=person, fiscal_year=2025).count() == 2


def test_correction_is_kept_in_history_and_recomputes_the_level(person) -> None:
    checkup, _ = checkup_store(person=person, document=document(person), source=Source.CLINIC_API)
    staff = UserFactory(username="hokenshi")
    corrected = checkup_correct_item(
        checkup=checkup, item_code="9N016160100000001", value="84.0", reason="再計測", user=staff
    )
    # waist 84 < 85 and BMI 24.9 < 25: neither group → 情報提供
    assert corrected.guidance_level == GuidanceLevel.INFORMATION
    history = CheckupCorrection.objects.get()
    assert (history.old_value["value"], history.new_value["value"]) == ("88.0", "84.0")


def test_correction_outside_the_answer_set_is_refused(person) -> None:
    checkup, _ = checkup_store(person=person, document=document(person), source=Source.CLINIC_API)
    with pytest.raises(CorrectionRefused) as exc:
        checkup_correct_item(checkup=checkup, item_code="9N736000000000011", value="4", reason="", user=None)
    assert exc.value.errors[0].code == "answer_not_in_set"


def test_consecutive_intensive_with_improvement_is_flagged(person) -> None:
    checkup_store(person=person, document=document(person, exam_date=dt.date(2024, 6, 1)), source=Source.CLINIC_API)
    # Next year: still 積極的支援, waist −1.0 cm and weight −1.0 kg with BMI < 30 (SPEC §2.8)
    later = document(
        person,
        exam_date=dt.date(2025, 6, 1),
        items={"9N016160100000001": "87.0", "9N006000000000001": "71.0", "9N011000000000001": "24.6"},
    )
    checkup, _ = checkup_store(person=person, document=later, source=Source.CLINIC_API)
    assert checkup.guidance_level == GuidanceLevel.INTENSIVE
    assert checkup.consecutive_intensive_eligible


def test_bulk_restratification_matches_single_judgments(world) -> None:
    people = [PersonFactory(insurer=world.insurer_a, birth_date=dt.date(1960 + i % 20, 5, 5)) for i in range(30)]
    for i, p in enumerate(people):
        checkup_store(
            person=p,
            document=document(p, items={"9N016160100000001": f"{80 + i % 12}.0", "3D046000001906202": "5.4"}),
            source=Source.FILE_IMPORT,
        )
    expected = dict(Checkup.objects.values_list("pk", "guidance_level"))
    Checkup.objects.update(guidance_level=None, judgment={})
    assert checkups_restratify(fiscal_year=2025, batch_size=7) == 30
    assert dict(Checkup.objects.values_list("pk", "guidance_level")) == expected
    assert len(set(expected.values())) > 1


def test_a_later_complete_checkup_takes_over_the_programme(person) -> None:
    from guidance.models import Programme

    first, _ = checkup_store(
        person=person,
        document=document(person, exam_date=dt.date(2025, 5, 1), program="030"),
        source=Source.EMPLOYER,
    )
    assert Programme.objects.filter(checkup=first).exists()
    # A clinic checkup of the same year with complete items arrives; the employer record was complete too,
    # so the earlier one keeps counting and keeps its programme.
    second, _ = checkup_store(
        person=person, document=document(person, exam_date=dt.date(2025, 9, 1)), source=Source.CLINIC_API
    )
    assert Programme.objects.filter(checkup=first).exists()
    assert not Programme.objects.filter(checkup=second).exists()
    # Now the employer record turns out incomplete: the clinic checkup counts and the programme moves to it.
    checkup_store(
        person=person,
        document=document(person, exam_date=dt.date(2025, 5, 1), program="030"),
        source=Source.EMPLOYER,
        missing_items=[{"field": "items[9N701000000000011]"}],
    )
    assert not Programme.objects.filter(checkup=first).exists()
    assert Programme.objects.filter(checkup=second).exists()


def test_an_earlier_year_arriving_late_updates_the_consecutive_flag(person) -> None:
    later = document(
        person,
        exam_date=dt.date(2025, 6, 1),
        items={"9N016160100000001": "87.0", "9N006000000000001": "71.0", "9N011000000000001": "24.6"},
    )
    this_year, _ = checkup_store(person=person, document=later, source=Source.CLINIC_API)
    assert not this_year.consecutive_intensive_eligible
    checkup_store(person=person, document=document(person, exam_date=dt.date(2024, 6, 1)), source=Source.FILE_IMPORT)
    this_year.refresh_from_db()
    assert this_year.consecutive_intensive_eligible
