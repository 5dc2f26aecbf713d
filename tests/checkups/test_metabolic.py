"""SPEC §3: メタボ判定 — required waist criterion, items at 110 / 6.0, medication counting, 判定不能."""

import json
from decimal import Decimal
from typing import Any

import pytest

from checkups.codes import MetabolicJudgment
from checkups.metabolic import judge_checkup, judge_metabolic
from checkups.stratification import stratify
from members.codes import Sex
from tests.checkups.inputs import inputs

D = Decimal
MEETS, PRE = MetabolicJudgment.MEETS, MetabolicJudgment.PRE
NOT_APPLICABLE, UNDETERMINED = MetabolicJudgment.NOT_APPLICABLE, MetabolicJudgment.UNDETERMINED

WAIST = {"waist_cm": D("90.0")}
BP = {"systolic_1": D(140), "systolic_2": D(140)}
LIPIDS = {"hdl": D(35)}
GLUCOSE = {"glucose_fasting": D(120)}


def judge(*parts: dict[str, Any], fiscal_year: int = 2024, **overrides: Any) -> MetabolicJudgment:
    return judge_metabolic(inputs(*parts, **overrides), fiscal_year=fiscal_year).code


@pytest.mark.parametrize(
    ("sex", "waist", "area", "expected"),
    [
        (Sex.MALE, "84.9", None, NOT_APPLICABLE),
        (Sex.MALE, "85.0", None, PRE),
        (Sex.FEMALE, "89.9", None, NOT_APPLICABLE),
        (Sex.FEMALE, "90.0", None, PRE),
        (Sex.MALE, None, "99.9", NOT_APPLICABLE),
        (Sex.MALE, None, "100", PRE),
    ],
)
def test_required_item(sex: int, waist: str | None, area: str | None, expected: MetabolicJudgment) -> None:
    values = {"waist_cm": waist and D(waist), "visceral_fat_area_cm2": area and D(area)}
    assert judge(BP, values, sex=sex) == expected


def test_bmi_is_not_used() -> None:
    assert judge(BP, LIPIDS, GLUCOSE, weight_kg=D(100)) == NOT_APPLICABLE  # BMI 34.6, waist 80


@pytest.mark.parametrize(
    ("values", "met"),
    [
        ({"glucose_fasting": D(109)}, False),
        ({"glucose_fasting": D(110)}, True),
        ({"glucose_fasting": None, "hba1c": D("5.9")}, False),
        ({"glucose_fasting": None, "hba1c": D("6.0")}, True),
        ({"glucose_fasting": D(100), "hba1c": D("7.0")}, False),  # fasting glucose preferred (◆)
        ({"meal_timing": 3, "triglycerides_random": D(100), "glucose_fasting": None, "hba1c": None,
          "glucose_random": D(109)}, False),
        ({"meal_timing": 3, "triglycerides_random": D(100), "glucose_fasting": None, "hba1c": None,
          "glucose_random": D(110)}, True),
        ({"meal_timing": 3, "triglycerides_random": D(100), "glucose_fasting": None, "hba1c": D("5.0"),
          "glucose_random": D(200)}, False),  # random glucose only without HbA1c
        ({"med_glucose": 1}, True),  # Q2 = はい meets the item
    ],
)  # fmt: skip
def test_glucose_item(values: dict[str, Any], met: bool) -> None:
    result = judge_metabolic(inputs(WAIST, values), fiscal_year=2024)
    assert result.glucose.present is met
    assert result.code == (PRE if met else NOT_APPLICABLE)


def test_thresholds_differ_from_stratification() -> None:
    values = inputs(WAIST, glucose_fasting=D(105), hba1c=D("5.8"))
    assert stratify(values, age_at_fy_end=50, fiscal_year=2024).glucose.present is True  # ≥ 100
    assert judge_metabolic(values, fiscal_year=2024).glucose.present is False  # < 110


@pytest.mark.parametrize(
    ("values", "met"),
    [
        ({"triglycerides_fasting": D(149)}, False),
        ({"triglycerides_fasting": D(150)}, True),
        ({"meal_timing": 3, "triglycerides_fasting": None, "triglycerides_random": D(174), "glucose_fasting": None},
         False),
        ({"meal_timing": 3, "triglycerides_fasting": None, "triglycerides_random": D(175), "glucose_fasting": None},
         True),
        ({"hdl": D(40)}, False),
        ({"hdl": D(39)}, True),
        ({"med_lipids": 1}, True),
    ],
)  # fmt: skip
def test_lipid_item(values: dict[str, Any], met: bool) -> None:
    assert judge_metabolic(inputs(WAIST, values), fiscal_year=2024).lipids.present is met


@pytest.mark.parametrize(
    ("values", "met"),
    [
        ({"systolic_1": D(129), "systolic_2": D(130)}, False),
        ({"systolic_1": D(130), "systolic_2": D(130)}, True),
        ({"diastolic_1": D(84), "diastolic_2": D(84)}, False),
        ({"diastolic_1": D(85), "diastolic_2": D(85)}, True),
        ({"med_blood_pressure": 1}, True),
    ],
)
def test_blood_pressure_item(values: dict[str, Any], met: bool) -> None:
    assert judge_metabolic(inputs(WAIST, values), fiscal_year=2024).blood_pressure.present is met


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ((WAIST,), NOT_APPLICABLE),
        ((WAIST, BP), PRE),
        ((WAIST, BP, LIPIDS), MEETS),
        ((WAIST, BP, LIPIDS, GLUCOSE), MEETS),
        ((BP, LIPIDS, GLUCOSE), NOT_APPLICABLE),
        ((WAIST, {"med_blood_pressure": 1, "med_glucose": 1}), MEETS),  # medication counts as meeting items
        ((WAIST, {"med_lipids": 1}), PRE),
    ],
)
def test_result_by_item_count(parts: tuple[dict[str, Any], ...], expected: MetabolicJudgment) -> None:
    assert judge(*parts) == expected


@pytest.mark.parametrize(
    ("parts", "expected", "reasons"),
    [
        (({"waist_cm": None},), NOT_APPLICABLE, ()),  # no item met: 非該当 with or without the waist
        (({"waist_cm": None}, BP), UNDETERMINED, ("waist",)),
        ((WAIST, BP, LIPIDS, {"glucose_fasting": None, "hba1c": None}), MEETS, ()),
        ((WAIST, BP, {"glucose_fasting": None, "hba1c": None}), UNDETERMINED, ("glucose",)),
        ((WAIST, BP, {"glucose_fasting": None, "hba1c": None, "med_glucose": 1}), MEETS, ()),
        (({"glucose_fasting": None, "hba1c": None, "hdl": None}, BP), NOT_APPLICABLE, ()),  # waist below
        ((WAIST, {"med_blood_pressure": None}), UNDETERMINED, ("blood_pressure",)),  # BP normal, Q1 unknown
        ((WAIST, BP, LIPIDS, {"med_glucose": None}), MEETS, ()),
        ((WAIST, {"meal_timing": 4, "glucose_fasting": None}, BP, LIPIDS), MEETS, ()),
    ],
)
def test_undetermined_only_when_it_could_change(
    parts: tuple[dict[str, Any], ...], expected: MetabolicJudgment, reasons: tuple[str, ...]
) -> None:
    result = judge_metabolic(inputs(*parts), fiscal_year=2024)
    assert result.code == expected
    assert result.undetermined_reasons == reasons


def test_triglycerides_right_after_a_meal_are_ignored() -> None:
    result = judge_metabolic(
        inputs(WAIST, BP, meal_timing=4, triglycerides_fasting=D(400), hba1c=D("5.0")), fiscal_year=2024
    )
    assert result.lipids.present is None
    assert result.code == UNDETERMINED  # 予備群 without lipids, 基準該当 with


@pytest.mark.parametrize(("fiscal_year", "expected"), [(2023, NOT_APPLICABLE), (2024, PRE)])
def test_random_triglycerides_only_from_fy2024(fiscal_year: int, expected: MetabolicJudgment) -> None:
    values = {
        "meal_timing": 3,
        "triglycerides_fasting": D(100),
        "triglycerides_random": D(300),
        "glucose_fasting": None,
    }
    result = judge_metabolic(inputs(WAIST, values), fiscal_year=fiscal_year)
    assert result.code == expected
    assert result.rules_version == ("3rd" if fiscal_year == 2023 else "4th")


def test_judge_checkup_equals_the_separate_judgments() -> None:
    for values in (inputs(WAIST, BP), inputs({"waist_cm": None}, BP), inputs(WAIST, BP, LIPIDS, med_glucose=1)):
        strat, metabolic = judge_checkup(values, age_at_fy_end=60, fiscal_year=2024)
        assert strat == stratify(values, age_at_fy_end=60, fiscal_year=2024)
        assert metabolic == judge_metabolic(values, fiscal_year=2024)


def test_record_and_explanation() -> None:
    result = judge_metabolic(inputs(WAIST, BP, med_lipids=1), fiscal_year=2024)
    record = json.loads(json.dumps(result.to_dict()))
    assert record["code"] == 1
    assert record["required_met"] is True
    assert record["items"]["lipids"]["criteria"][-1] == {
        "item": "med_lipids", "value": "1", "op": "==", "threshold": "1", "met": True,
    }  # fmt: skip
    lines = result.explanation()
    assert lines[0] == "腹囲 90.0 cm ≥ 85 cm (男性) → 必須項目(腹囲・内臓脂肪面積)を満たす"
    assert lines[-1] == "メタボ判定: 基準該当 (第4期)"
    assert result.explanation("en")[-1] == "metabolic: meets the criteria (4th-period rules)"
