"""Standard values (SPEC §8, rules-notes §7): every threshold at its boundary, both directions, by sex."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkups.standards import STANDARDS, Band, describe_limit, is_urgent, judge, note
from members.codes import Sex

N, G, R = Band.NORMAL, Band.GUIDANCE, Band.REFERRAL


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("systolic", "129.5", N),  # mean of 129 and 130 stays below 130 (SPEC §2.1 ◆)
        ("systolic", "130", G),
        ("systolic", "139.9", G),
        ("systolic", "140", R),
        ("diastolic", "84.9", N),
        ("diastolic", "85", G),
        ("diastolic", "89.5", G),
        ("diastolic", "90", R),
        ("triglycerides_fasting", "149", N),
        ("triglycerides_fasting", "150", G),
        ("triglycerides_fasting", "299", G),
        ("triglycerides_fasting", "300", R),
        ("triglycerides_random", "174", N),
        ("triglycerides_random", "175", G),
        ("triglycerides_random", "300", R),
        ("hdl", "40", N),
        ("hdl", "39", G),
        ("hdl", "20", G),  # no referral value in the 4th-period table
        ("ldl", "119", N),
        ("ldl", "120", G),
        ("ldl", "140", R),
        ("non_hdl", "149", N),
        ("non_hdl", "150", G),
        ("non_hdl", "170", R),
        ("glucose_fasting", "99", N),
        ("glucose_fasting", "100", G),
        ("glucose_fasting", "125", G),
        ("glucose_fasting", "126", R),
        ("glucose_random", "99", N),
        ("glucose_random", "100", G),
        ("glucose_random", "126", R),
        ("hba1c", "5.5", N),
        ("hba1c", "5.6", G),
        ("hba1c", "6.4", G),
        ("hba1c", "6.5", R),
        ("ast", "30", N),
        ("ast", "31", G),
        ("ast", "51", R),
        ("alt", "30", N),
        ("alt", "31", G),
        ("alt", "51", R),
        ("ggt", "50", N),
        ("ggt", "51", G),
        ("ggt", "100", G),
        ("ggt", "101", R),
        ("egfr", "60", N),
        ("egfr", "59.9", G),
        ("egfr", "45", G),
        ("egfr", "44.9", R),
        ("urine_protein", 1, N),  # (−)
        ("urine_protein", 2, G),  # (±)
        ("urine_protein", 3, R),  # (+)
        ("urine_protein", 5, R),
        ("bmi", "24.9", N),
        ("bmi", "25.0", G),
        ("bmi", "40", G),  # display threshold only, never referral
    ],
)
def test_judge_boundaries(field: str, value: str | int, expected: Band) -> None:
    assert judge(field, value) == expected


@pytest.mark.parametrize(
    ("field", "sex", "value", "expected"),
    [
        ("hemoglobin", Sex.MALE, "13.1", N),
        ("hemoglobin", Sex.MALE, "13.0", G),
        ("hemoglobin", Sex.MALE, "12.1", G),
        ("hemoglobin", Sex.MALE, "12.0", R),
        ("hemoglobin", Sex.FEMALE, "12.1", N),
        ("hemoglobin", Sex.FEMALE, "12.0", G),
        ("hemoglobin", Sex.FEMALE, "11.0", R),
        ("waist", Sex.MALE, "84.9", N),
        ("waist", Sex.MALE, "85.0", G),
        ("waist", Sex.FEMALE, "89.9", N),
        ("waist", Sex.FEMALE, "90.0", G),
        ("waist", Sex.FEMALE, "120", G),
    ],
)
def test_judge_by_sex(field: str, sex: Sex, value: str, expected: Band) -> None:
    assert judge(field, value, sex) == expected


def test_sex_is_required_where_the_table_splits_by_sex() -> None:
    with pytest.raises(ValueError, match="sex"):
        judge("hemoglobin", "12.5")


def test_numbers_of_any_type_compare_unrounded() -> None:
    assert judge("systolic", 129.99) == N
    assert judge("systolic", Decimal("130.0")) == G
    assert judge("hba1c", 6.5) == R


@pytest.mark.parametrize(("field", "value", "urgent"), [("systolic", 159, False), ("systolic", 160, True),
                                                         ("diastolic", 99, False), ("diastolic", 100, True),
                                                         ("hba1c", 9, False)])  # fmt: skip
def test_urgent_only_for_blood_pressure(field: str, value: int, urgent: bool) -> None:
    assert is_urgent(field, value) is urgent


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_notes_never_name_a_disease(lang: str) -> None:
    banned = ["糖尿病", "高血圧症", "脂質異常症", "diabetes", "hypertension", "you have"]
    for field, standard in STANDARDS.items():
        sex = Sex.MALE if not hasattr(standard.limits, "guidance") else None
        for value in ("0", "1", "2", "3", "5", "50", "100", "200", "400"):
            text = note(field, value, sex, lang)
            assert not any(word in text for word in banned), (field, value, text)


def test_referral_note_says_it_is_not_a_diagnosis() -> None:
    assert "診断ではありません" in note("hba1c", "7.0")
    assert "not a diagnosis" in note("ldl", "180", lang="en")


@pytest.mark.parametrize(
    ("field", "band", "sex", "lang", "text"),
    [
        ("systolic", G, None, "ja", "130 mmHg 以上"),
        ("hdl", G, None, "en", "40 mg/dl below"),
        ("hdl", R, None, "ja", "—"),
        ("egfr", R, None, "ja", "45 ml/min/1.73m² 未満"),
        ("hemoglobin", R, Sex.FEMALE, "ja", "11.0 g/dl 以下"),
        ("urine_protein", G, None, "ja", "(±) 以上"),
    ],
)
def test_describe_limit(field: str, band: Band, sex: int | None, lang: str, text: str) -> None:
    assert describe_limit(field, band, sex, lang) == text


@given(st.sampled_from(sorted(STANDARDS)), st.decimals(min_value=0, max_value=1000, places=1), st.sampled_from(Sex))
def test_bands_are_monotonic(field: str, value: Decimal, sex: Sex) -> None:
    """Moving a value further in the 'worse' direction never lowers its band."""
    order = [N, G, R]
    worse = value + 1 if STANDARDS[field].op == ">=" else value - 1
    assert order.index(judge(field, worse, sex)) >= order.index(judge(field, value, sex))
