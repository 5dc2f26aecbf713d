"""SPEC §2: stratification, every boundary of the acceptance list, versioned by fiscal year."""

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from checkups.codes import GuidanceLevel
from checkups.stratification import (
    INPUT_FIELDS,
    StratificationInputs,
    consecutive_intensive_eligible,
    stratify,
)
from members.age_basis import age_basis
from members.codes import Sex
from tests.checkups.inputs import inputs

D = Decimal
INTENSIVE, MOTIVATIONAL = GuidanceLevel.INTENSIVE, GuidanceLevel.MOTIVATIONAL
INFORMATION, UNDETERMINED = GuidanceLevel.INFORMATION, GuidanceLevel.UNDETERMINED

GROUP_A = {"waist_cm": D("90.0")}
GROUP_B = {"weight_kg": D("80.0")}  # BMI 27.7
BP_RISK = {"systolic_1": D(140), "systolic_2": D(140)}
LIPID_RISK = {"hdl": D(35)}
GLUCOSE_RISK = {"glucose_fasting": D(110)}
SMOKER = {"smoking": 1}


def level(*parts: dict[str, Any], age: int = 50, fiscal_year: int = 2024, **overrides: Any) -> GuidanceLevel:
    return stratify(inputs(*parts, **overrides), age_at_fy_end=age, fiscal_year=fiscal_year).level


def test_input_fields_match_the_model_columns() -> None:
    assert INPUT_FIELDS == (
        "sex", "height_cm", "weight_kg", "waist_cm", "visceral_fat_area_cm2",
        "systolic_1", "systolic_2", "systolic_other", "diastolic_1", "diastolic_2", "diastolic_other",
        "meal_timing", "triglycerides_fasting", "triglycerides_random", "hdl",
        "glucose_fasting", "glucose_random", "hba1c", "med_blood_pressure", "med_glucose", "med_lipids", "smoking",
    )  # fmt: skip


def test_from_mapping_converts_and_ignores_extra_keys() -> None:
    row = {"sex": 2, "waist_cm": 84.9, "hdl": "39", "hba1c": D("5.6"), "weight_kg": 60, "meal_timing": "2",
           "smoking": None, "id": 7, "exam_date": dt.date(2024, 5, 1)}  # fmt: skip
    result = StratificationInputs.from_mapping(row)
    assert result.waist_cm == D("84.9")  # not 84.900000000000005684…
    assert str(result.waist_cm) == "84.9"
    assert (result.hdl, result.hba1c, result.weight_kg, result.meal_timing) == (D(39), D("5.6"), D(60), 2)
    assert result.smoking is None
    assert result.height_cm is None


@pytest.mark.parametrize("row", [{}, {"sex": None}, {"sex": 1, "hdl": "abc"}, {"sex": 1, "hdl": float("nan")}])
def test_from_mapping_rejects_bad_rows(row: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        StratificationInputs.from_mapping(row)


# --- Step 1: groups (SPEC §2.2) -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "waist", "group", "expected"),
    [
        (Sex.MALE, "84.9", None, INFORMATION),
        (Sex.MALE, "85.0", "A", MOTIVATIONAL),
        (Sex.FEMALE, "89.9", None, INFORMATION),
        (Sex.FEMALE, "90.0", "A", MOTIVATIONAL),
        (Sex.FEMALE, "85.0", None, INFORMATION),
    ],
)
def test_waist_boundaries(sex: int, waist: str, group: str | None, expected: GuidanceLevel) -> None:
    result = stratify(inputs(BP_RISK, sex=sex, waist_cm=D(waist)), age_at_fy_end=50, fiscal_year=2024)
    assert (result.group, result.level) == (group, expected)


@pytest.mark.parametrize(
    ("waist", "area", "group"),
    [
        (None, "99.9", None),
        (None, "100", "A"),
        ("80.0", "99.9", None),
        ("80.0", "100", "A"),  # either measure is enough
        ("85.0", "50", "A"),
    ],
)
def test_visceral_fat_area_boundary(waist: str | None, area: str, group: str | None) -> None:
    result = stratify(
        inputs(BP_RISK, waist_cm=None if waist is None else D(waist), visceral_fat_area_cm2=D(area)),
        age_at_fy_end=50,
        fiscal_year=2024,
    )
    assert result.group == group
    assert result.level == (MOTIVATIONAL if group else INFORMATION)


@pytest.mark.parametrize(
    ("height", "weight", "bmi", "group", "expected"),
    [
        ("160", "63.8", "24.9", None, INFORMATION),
        ("160", "63.9", "25.0", "B", MOTIVATIONAL),  # 24.96 rounds half-up to 25.0
    ],
)
def test_bmi_boundary_from_height_and_weight(
    height: str, weight: str, bmi: str, group: str | None, expected: GuidanceLevel
) -> None:
    result = stratify(inputs(BP_RISK, height_cm=D(height), weight_kg=D(weight)), age_at_fy_end=50, fiscal_year=2024)
    assert (result.bmi, result.group, result.level) == (D(bmi), group, expected)


# --- Step 2: risks (SPEC §2.3) ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("readings", "present"),
    [
        ({"systolic_1": D(129), "systolic_2": D(129)}, False),
        ({"systolic_1": D(130), "systolic_2": D(130)}, True),
        ({"diastolic_1": D(84), "diastolic_2": D(84)}, False),
        ({"diastolic_1": D(85), "diastolic_2": D(85)}, True),
        ({"systolic_1": D(129), "systolic_2": D(130)}, False),  # mean 129.5, unrounded, < 130
        ({"systolic_1": D(130), "systolic_2": D(131)}, True),
        ({"diastolic_1": D(84), "diastolic_2": D(85)}, False),  # mean 84.5
        ({"systolic_1": D(135), "systolic_2": None}, True),  # only the 1st
        ({"systolic_1": None, "systolic_2": D(135)}, True),  # only the 2nd
        ({"systolic_1": None, "systolic_2": None, "systolic_other": D(130)}, True),  # その他
        ({"systolic_1": D(120), "systolic_2": D(120), "systolic_other": D(150)}, False),  # readings preferred
    ],
)
def test_blood_pressure(readings: dict[str, Any], present: bool) -> None:
    result = stratify(inputs(GROUP_A, readings), age_at_fy_end=50, fiscal_year=2024)
    assert result.blood_pressure.present is present
    assert result.level == (MOTIVATIONAL if present else INFORMATION)


def test_blood_pressure_mean_is_recorded_unrounded() -> None:
    result = stratify(inputs(systolic_1=D(129), systolic_2=D(130)), age_at_fy_end=50, fiscal_year=2024)
    systolic = result.blood_pressure.criteria[0]
    assert (systolic.item, systolic.value, systolic.met) == ("systolic_mean", D("129.5"), False)


@pytest.mark.parametrize(
    ("values", "present"),
    [
        ({"meal_timing": 2, "triglycerides_fasting": D(149)}, False),
        ({"meal_timing": 2, "triglycerides_fasting": D(150)}, True),
        ({"meal_timing": 3, "triglycerides_fasting": None, "triglycerides_random": D(174)}, False),
        ({"meal_timing": 3, "triglycerides_fasting": None, "triglycerides_random": D(175)}, True),
        ({"meal_timing": 3, "triglycerides_fasting": D(160), "triglycerides_random": D(160)}, False),  # random rule
        ({"hdl": D(40)}, False),
        ({"hdl": D(39)}, True),
        ({"meal_timing": 4, "hdl": D(39)}, True),  # HDL at any time
    ],
)
def test_lipids(values: dict[str, Any], present: bool) -> None:
    result = stratify(inputs(GROUP_A, values), age_at_fy_end=50, fiscal_year=2024)
    assert result.lipids.present is present
    assert result.level == (MOTIVATIONAL if present else INFORMATION)


@pytest.mark.parametrize("timing", [4, None])
def test_triglycerides_right_after_a_meal_or_without_time_code_are_ignored(timing: int | None) -> None:
    high = {"meal_timing": timing, "triglycerides_fasting": D(500), "triglycerides_random": D(500)}
    result = stratify(inputs(GROUP_A, high), age_at_fy_end=50, fiscal_year=2024)
    assert result.lipids.present is None  # not counted as a risk
    assert result.lipids.note == "triglycerides_timing_unusable"
    assert [c.item for c in result.lipids.criteria] == ["hdl"]
    # Group A with no other risk: absent → 情報提供, present → 動機付け支援, so it cannot be judged.
    assert result.level == UNDETERMINED
    assert result.undetermined_reasons == ("lipids",)
    # With two other risks it no longer matters (fasting glucose is unusable too, so HbA1c decides glucose).
    assert level(GROUP_A, BP_RISK, high, hba1c=D("6.0")) == INTENSIVE


def test_random_triglycerides_column_is_not_read_as_fasting() -> None:
    result = stratify(
        inputs(GROUP_A, meal_timing=2, triglycerides_fasting=None, triglycerides_random=D(500)),
        age_at_fy_end=50,
        fiscal_year=2024,
    )
    assert result.lipids.present is None


@pytest.mark.parametrize(
    ("values", "present", "item"),
    [
        ({"glucose_fasting": D(99)}, False, "glucose_fasting"),
        ({"glucose_fasting": D(100)}, True, "glucose_fasting"),
        ({"glucose_fasting": None, "hba1c": D("5.5")}, False, "hba1c"),
        ({"glucose_fasting": None, "hba1c": D("5.6")}, True, "hba1c"),
        ({"glucose_fasting": D(90), "hba1c": D("6.5")}, False, "glucose_fasting"),  # fasting preferred
        ({"glucose_fasting": D(100), "hba1c": D("5.0")}, True, "glucose_fasting"),
        # Fasting glucose needs 採血時間 2; with code 3 HbA1c is used.
        ({"meal_timing": 3, "triglycerides_random": D(100), "glucose_fasting": D(120), "hba1c": D("5.0")},
         False, "hba1c"),
        # Random glucose only without HbA1c.
        ({"meal_timing": 3, "triglycerides_random": D(100), "glucose_fasting": None, "hba1c": D("5.0"),
          "glucose_random": D(150)}, False, "hba1c"),
        ({"meal_timing": 3, "triglycerides_random": D(100), "glucose_fasting": None, "hba1c": None,
          "glucose_random": D(99)}, False, "glucose_random"),
        ({"meal_timing": 3, "triglycerides_random": D(100), "glucose_fasting": None, "hba1c": None,
          "glucose_random": D(100)}, True, "glucose_random"),
    ],
)  # fmt: skip
def test_glucose(values: dict[str, Any], present: bool, item: str) -> None:
    result = stratify(inputs(GROUP_A, values), age_at_fy_end=50, fiscal_year=2024)
    assert result.glucose.present is present
    assert result.glucose.criteria[0].item == item
    assert result.level == (MOTIVATIONAL if present else INFORMATION)


def test_random_glucose_right_after_a_meal_is_not_used() -> None:
    result = stratify(
        inputs(GROUP_A, meal_timing=4, glucose_fasting=None, hba1c=None, glucose_random=D(200)),
        age_at_fy_end=50,
        fiscal_year=2024,
    )
    assert result.glucose.present is None


@pytest.mark.parametrize(
    ("parts", "counted", "expected"),
    [
        ((GROUP_A, SMOKER), False, INFORMATION),  # smoking alone never counts
        ((GROUP_A, SMOKER, BP_RISK), True, INTENSIVE),
        ((GROUP_B, SMOKER), False, INFORMATION),
        ((GROUP_B, SMOKER, BP_RISK), True, MOTIVATIONAL),
        ((GROUP_B, SMOKER, BP_RISK, LIPID_RISK), True, INTENSIVE),
        ((GROUP_B, BP_RISK, LIPID_RISK), False, MOTIVATIONAL),
    ],
)
def test_smoking_counts_only_with_another_risk(
    parts: tuple[dict[str, Any], ...], counted: bool, expected: GuidanceLevel
) -> None:
    result = stratify(inputs(*parts), age_at_fy_end=50, fiscal_year=2024)
    assert (result.smoking_counted, result.level) == (counted, expected)


@pytest.mark.parametrize(("code", "expected"), [(1, INTENSIVE), (2, MOTIVATIONAL), (3, MOTIVATIONAL)])
def test_q8_former_smoker_is_not_a_smoker(code: int, expected: GuidanceLevel) -> None:
    assert level(GROUP_A, BP_RISK, smoking=code) == expected


# --- Step 3: level table (SPEC §2.4) ------------------------------------------------------------------------------

RISK_SETS = [(), (BP_RISK,), (BP_RISK, LIPID_RISK), (BP_RISK, LIPID_RISK, GLUCOSE_RISK)]


@pytest.mark.parametrize(
    ("group", "count", "expected"),
    [
        (GROUP_A, 0, INFORMATION),
        (GROUP_A, 1, MOTIVATIONAL),
        (GROUP_A, 2, INTENSIVE),
        (GROUP_A, 3, INTENSIVE),
        (GROUP_B, 0, INFORMATION),
        (GROUP_B, 1, MOTIVATIONAL),
        (GROUP_B, 2, MOTIVATIONAL),
        (GROUP_B, 3, INTENSIVE),
        ({}, 3, INFORMATION),  # neither group
    ],
)
def test_level_by_group_and_risk_count(group: dict[str, Any], count: int, expected: GuidanceLevel) -> None:
    result = stratify(inputs(group, *RISK_SETS[count]), age_at_fy_end=50, fiscal_year=2024)
    assert result.risk_count == count
    assert result.level == expected
    assert result.level_before_exceptions == expected
    assert result.exception is None


# --- Step 4: exceptions (SPEC §2.5) -------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["med_blood_pressure", "med_glucose", "med_lipids"])
def test_medication_excludes(question: str) -> None:
    result = stratify(inputs(GROUP_A, BP_RISK, LIPID_RISK, {question: 1}), age_at_fy_end=50, fiscal_year=2024)
    assert result.level == INFORMATION
    assert result.medication_excluded is True
    assert result.exception == "medication"
    assert result.level_without_medication == INTENSIVE  # kept for analysis (SPEC §2.5a)
    assert result.level_before_exceptions == INTENSIVE


@pytest.mark.parametrize("question", ["med_blood_pressure", "med_glucose", "med_lipids"])
def test_medication_decided_first_whatever_is_missing(question: str) -> None:
    answered: dict[str, Any] = {question: 1}
    empty = StratificationInputs(sex=Sex.FEMALE, **answered)
    result = stratify(empty, age_at_fy_end=50, fiscal_year=2024)
    assert result.level == INFORMATION
    assert result.medication_excluded is True
    assert result.level_without_medication == UNDETERMINED


@pytest.mark.parametrize("fiscal_year", [2024, 2025, 2026])
@pytest.mark.parametrize(
    ("age", "month", "day", "basis", "expected"),
    [
        (65, 3, 31, 65, MOTIVATIONAL),  # reaches 65 on March 31 of N+1, the year's last day
        (65, 4, 1, 65, MOTIVATIONAL),  # reaches 65 at the end of March 31 too (民法143条, SPEC §1.2 revised)
        (65, 4, 2, 64, INTENSIVE),  # 65 only in the next year
        (75, 4, 1, 75, MOTIVATIONAL),  # age basis 75, still a target (75th birthday April 1 of N+1)
        (75, 4, 2, 74, MOTIVATIONAL),
        (40, 3, 31, 40, INTENSIVE),
        (40, 4, 1, 40, INTENSIVE),
    ],
)
def test_age_basis_and_the_65_rule_at_the_edges(
    fiscal_year: int, age: int, month: int, day: int, basis: int, expected: GuidanceLevel
) -> None:
    birth_date = dt.date(fiscal_year + 1 - age, month, day)
    assert age_basis(birth_date, fiscal_year) == basis
    # The exam date is irrelevant: at an exam in May the person born on April 1 is still 64.
    result = stratify(inputs(GROUP_A, BP_RISK, LIPID_RISK), age_at_fy_end=basis, fiscal_year=fiscal_year)
    assert result.level == expected
    assert result.level_before_exceptions == INTENSIVE
    assert result.exception == (None if expected == INTENSIVE else "age_65_74")


def test_the_65_rule_for_the_born_1960_04_01_in_fy2024() -> None:
    """The issue's example: born 1960-04-01 is 65 in FY2024, so 積極的支援 becomes 動機付け支援 (SPEC §2.5b)."""
    basis = age_basis(dt.date(1960, 4, 1), 2024)
    result = stratify(inputs(GROUP_A, BP_RISK, LIPID_RISK), age_at_fy_end=basis, fiscal_year=2024)
    assert (basis, result.level) == (65, MOTIVATIONAL)
    assert "年度末年齢 65 歳 (65歳以上): 積極的支援は動機付け支援とする" in result.explanation("ja")


@pytest.mark.parametrize("age", [65, 70, 74, 75])
def test_age_exception_leaves_other_levels(age: int) -> None:
    result = stratify(inputs(GROUP_A, BP_RISK), age_at_fy_end=age, fiscal_year=2024)
    assert (result.level, result.exception) == (MOTIVATIONAL, None)


# --- Missing data (SPEC §2.6 ◆) -----------------------------------------------------------------------------------

NO_WAIST = {"waist_cm": None}
NO_GLUCOSE = {"glucose_fasting": None, "hba1c": None}
NO_BP = {"systolic_1": None, "systolic_2": None, "diastolic_1": None, "diastolic_2": None}


@pytest.mark.parametrize(
    ("parts", "age", "expected", "reasons"),
    [
        ((NO_WAIST, BP_RISK), 50, UNDETERMINED, ("waist",)),  # A → 動機付け, none → 情報提供
        ((NO_WAIST,), 50, INFORMATION, ()),  # no risk: 情報提供 either way
        ((NO_WAIST, GROUP_B, BP_RISK), 50, MOTIVATIONAL, ()),  # A or B with 1 risk: 動機付け either way
        ((NO_WAIST, GROUP_B, BP_RISK, LIPID_RISK), 50, UNDETERMINED, ("waist",)),  # A 積極的 / B 動機付け
        ((NO_WAIST, GROUP_B, BP_RISK, LIPID_RISK), 66, MOTIVATIONAL, ()),  # 65–74: both 動機付け
        ((NO_WAIST, {"height_cm": None}, BP_RISK), 50, UNDETERMINED, ("waist", "bmi")),
        ((GROUP_A, NO_GLUCOSE, BP_RISK, LIPID_RISK), 50, INTENSIVE, ()),  # already ≥ 2 risks
        ((GROUP_A, NO_GLUCOSE, BP_RISK), 50, UNDETERMINED, ("glucose",)),
        ((GROUP_A, NO_GLUCOSE, BP_RISK), 70, MOTIVATIONAL, ()),
        ((GROUP_A, NO_GLUCOSE, NO_BP), 50, UNDETERMINED, ("blood_pressure", "glucose")),
        ((NO_GLUCOSE, NO_BP, {"smoking": None}), 50, INFORMATION, ()),  # neither group
        ((GROUP_A, {"smoking": None}), 50, INFORMATION, ()),  # smoking alone never counts
        ((GROUP_A, BP_RISK, {"smoking": None}), 50, UNDETERMINED, ("smoking",)),
        ((GROUP_A, BP_RISK, {"med_glucose": None}), 50, UNDETERMINED, ("medication",)),
        ((GROUP_A, {"med_glucose": None}), 50, INFORMATION, ()),  # 情報提供 with or without medication
        ((GROUP_A, BP_RISK, {"med_glucose": None, "med_lipids": 1}), 50, INFORMATION, ()),
    ],
)
def test_undetermined_only_when_missing_data_could_change_the_level(
    parts: tuple[dict[str, Any], ...], age: int, expected: GuidanceLevel, reasons: tuple[str, ...]
) -> None:
    result = stratify(inputs(*parts), age_at_fy_end=age, fiscal_year=2024)
    assert result.level == expected
    assert result.undetermined_reasons == reasons


def test_missing_is_recorded_even_when_it_does_not_matter() -> None:
    result = stratify(inputs(GROUP_A, NO_GLUCOSE, BP_RISK, LIPID_RISK), age_at_fy_end=50, fiscal_year=2024)
    assert result.missing == ("glucose",)
    assert result.group == "A"
    assert result.risk_count is None


# --- Rule versions (SPEC §2.7) ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fiscal_year", "version", "expected"), [(2023, "3rd", None), (2024, "4th", True)])
def test_random_triglycerides_only_from_fy2024(fiscal_year: int, version: str, expected: bool | None) -> None:
    values = inputs(GROUP_A, meal_timing=3, triglycerides_fasting=None, triglycerides_random=D(200))
    result = stratify(values, age_at_fy_end=50, fiscal_year=fiscal_year)
    assert result.rules_version == version
    assert result.lipids.present is expected


@pytest.mark.parametrize(("fiscal_year", "expected"), [(2023, True), (2024, None)])
def test_3rd_period_fasting_triglycerides_regardless_of_time_code(fiscal_year: int, expected: bool | None) -> None:
    values = inputs(GROUP_A, meal_timing=None, triglycerides_fasting=D(150))
    assert stratify(values, age_at_fy_end=50, fiscal_year=fiscal_year).lipids.present is expected


@pytest.mark.parametrize(("code", "smoker"), [(1, True), (2, False), (3, None)])
def test_3rd_period_q8_is_yes_no(code: int, smoker: bool | None) -> None:
    result = stratify(inputs(GROUP_A, BP_RISK, smoking=code), age_at_fy_end=50, fiscal_year=2023)
    assert result.smoking.present is smoker


# --- Record and explanation (SPEC §2.7) ---------------------------------------------------------------------------


def test_to_dict_is_json_and_keeps_exact_values() -> None:
    result = stratify(inputs(GROUP_A, SMOKER, systolic_1=D(129), systolic_2=D(130)), age_at_fy_end=50, fiscal_year=2024)
    record = json.loads(json.dumps(result.to_dict()))
    assert record["rules_version"] == "4th"
    assert record["level"] == 3
    assert record["group"] == "A"
    assert record["risks"]["blood_pressure"]["criteria"][0] == {
        "item": "systolic_mean", "value": "129.5", "op": ">=", "threshold": "130", "met": False,
    }  # fmt: skip
    assert record["risks"]["smoking"]["present"] is True
    assert record["smoking_counted"] is False
    assert record["bmi"] == "20.8"


def test_explanation() -> None:
    result = stratify(inputs(GROUP_A, BP_RISK, LIPID_RISK, waist_cm=D("88.0")), age_at_fy_end=66, fiscal_year=2024)
    ja = result.explanation("ja")
    assert ja[0] == "腹囲 88.0 cm ≥ 85 cm (男性) → グループA"
    assert any("積極的支援は動機付け支援" in line for line in ja)
    assert ja[-1] == "保健指導レベル: 動機付け支援 (第4期)"
    en = result.explanation("en")
    assert en[0] == "waist 88.0 cm ≥ 85 cm (male) → group A"
    assert en[-1] == "level: motivational support (4th-period rules)"


def test_explanation_of_an_undetermined_level() -> None:
    lines = stratify(inputs(NO_WAIST, BP_RISK), age_at_fy_end=50, fiscal_year=2024).explanation()
    assert "欠測により結果が変わりうる: 腹囲・内臓脂肪面積" in lines
    assert lines[-1] == "保健指導レベル: 判定不能 (第4期)"


def test_result_is_immutable() -> None:
    result = stratify(inputs(), age_at_fy_end=50, fiscal_year=2024)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.level = INTENSIVE  # type: ignore[misc]  # the assignment a frozen dataclass refuses is the test


# --- Two consecutive years of 積極的支援 (SPEC §2.8 ◆) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("prev", "this", "waist_drop", "weight_drop", "bmi", "eligible"),
    [
        (INTENSIVE, INTENSIVE, "1.0", "1.0", "29.9", True),
        (INTENSIVE, INTENSIVE, "0.9", "1.0", "29.9", False),
        (INTENSIVE, INTENSIVE, "1.0", "0.9", "29.9", False),
        (INTENSIVE, INTENSIVE, "1.0", "1.0", "30.0", False),  # BMI ≥ 30 needs −2.0/−2.0
        (INTENSIVE, INTENSIVE, "2.0", "2.0", "30.0", True),
        (INTENSIVE, INTENSIVE, "1.9", "2.0", "30.0", False),
        (INTENSIVE, INTENSIVE, "2.0", "1.9", "30.0", False),
        (INTENSIVE, INTENSIVE, "2.0", "2.0", None, True),  # qualifies whatever the BMI
        (INTENSIVE, INTENSIVE, "1.0", "1.0", None, False),
        (MOTIVATIONAL, INTENSIVE, "5.0", "5.0", "25.0", False),
        (INTENSIVE, MOTIVATIONAL, "5.0", "5.0", "25.0", False),
        (INTENSIVE, INTENSIVE, "-1.0", "-1.0", "25.0", False),
    ],
)
def test_consecutive_intensive_eligible(
    prev: int, this: int, waist_drop: str, weight_drop: str, bmi: str | None, eligible: bool
) -> None:
    prev_waist, prev_weight = D("100.0"), D("90.0")
    result = consecutive_intensive_eligible(
        prev, this, prev_weight, prev_weight - D(weight_drop), prev_waist, prev_waist - D(waist_drop),
        None if bmi is None else D(bmi),
    )  # fmt: skip
    assert result is eligible


def test_consecutive_intensive_needs_both_years_measurements() -> None:
    assert not consecutive_intensive_eligible(INTENSIVE, INTENSIVE, None, D(80), D(100), D(90), D(25))
