"""Properties of SPEC §2 and §3 over random checkups (hypothesis)."""

import dataclasses
import itertools
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from checkups.codes import GuidanceLevel, MetabolicJudgment
from checkups.metabolic import judge_metabolic
from checkups.stratification import StratificationInputs, stratify
from members.codes import Sex

# Higher = more support; a level "rises" when its intensity goes up.
INTENSITY = {GuidanceLevel.INFORMATION: 0, GuidanceLevel.MOTIVATIONAL: 1, GuidanceLevel.INTENSIVE: 2}


def tenths(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low * 10, high * 10).map(lambda n: Decimal(n) / 10)


def whole(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(Decimal)


complete_inputs = st.builds(
    StratificationInputs,
    sex=st.sampled_from([Sex.MALE, Sex.FEMALE]),
    height_cm=tenths(140, 195),
    weight_kg=tenths(40, 120),
    waist_cm=tenths(60, 120),
    visceral_fat_area_cm2=st.none() | whole(40, 160),
    systolic_1=whole(90, 180),
    systolic_2=whole(90, 180),
    diastolic_1=whole(50, 110),
    diastolic_2=whole(50, 110),
    meal_timing=st.sampled_from([2, 3]),
    triglycerides_fasting=whole(40, 400),
    triglycerides_random=whole(40, 400),
    hdl=whole(25, 100),
    glucose_fasting=whole(70, 160),
    glucose_random=whole(70, 200),
    hba1c=st.none() | tenths(4, 9),
    med_blood_pressure=st.just(2),
    med_glucose=st.just(2),
    med_lipids=st.just(2),
    smoking=st.sampled_from([1, 2, 3]),
)

LOWERED = [
    "waist_cm", "visceral_fat_area_cm2", "weight_kg", "systolic_1", "systolic_2", "diastolic_1", "diastolic_2",
    "triglycerides_fasting", "triglycerides_random", "glucose_fasting", "glucose_random", "hba1c",
]  # fmt: skip


@st.composite
def improved(draw: st.DrawFn) -> tuple[StratificationInputs, StratificationInputs]:
    """A checkup and the same checkup with one risk value better (lower, HDL higher, or no longer smoking)."""
    before = draw(complete_inputs)
    field = draw(st.sampled_from([*LOWERED, "hdl", "smoking"]))
    if field == "smoking":
        return before, dataclasses.replace(before, smoking=draw(st.sampled_from([2, 3])))
    value = getattr(before, field)
    if value is None:
        return before, before
    step = draw(tenths(0, 60))
    better = value + step if field == "hdl" else max(value - step, Decimal("0.1"))
    return before, dataclasses.replace(before, **{field: better})


@given(improved(), st.integers(40, 74))
def test_level_never_rises_when_a_risk_value_improves(
    pair: tuple[StratificationInputs, StratificationInputs], age: int
) -> None:
    before, after = (stratify(x, age_at_fy_end=age, fiscal_year=2024) for x in pair)
    assert before.level in INTENSITY  # complete data is never 判定不能
    assert INTENSITY[after.level] <= INTENSITY[before.level]


@given(improved())
def test_metabolic_result_never_worsens_when_a_value_improves(
    pair: tuple[StratificationInputs, StratificationInputs],
) -> None:
    order = {MetabolicJudgment.NOT_APPLICABLE: 0, MetabolicJudgment.PRE: 1, MetabolicJudgment.MEETS: 2}
    before, after = (judge_metabolic(x, fiscal_year=2024).code for x in pair)
    assert order[after] <= order[before]


def with_gaps(values: StratificationInputs, gaps: set[str]) -> StratificationInputs:
    blanks: dict[str, Any] = dict.fromkeys(gaps)
    return dataclasses.replace(values, **blanks)


OPTIONAL_FIELDS = [f.name for f in dataclasses.fields(StratificationInputs) if f.name != "sex"]
any_inputs = st.builds(with_gaps, complete_inputs, st.sets(st.sampled_from(OPTIONAL_FIELDS), max_size=10))


@given(any_inputs, st.integers(65, 74), st.integers(2018, 2029))
def test_65_to_74_never_intensive(values: StratificationInputs, age: int, fiscal_year: int) -> None:
    result = stratify(values, age_at_fy_end=age, fiscal_year=fiscal_year)
    assert result.level != GuidanceLevel.INTENSIVE
    assert result.level_without_medication != GuidanceLevel.INTENSIVE


@given(any_inputs, st.sampled_from(["med_blood_pressure", "med_glucose", "med_lipids"]), st.integers(40, 74))
def test_medication_is_never_a_guidance_target(values: StratificationInputs, question: str, age: int) -> None:
    answered: dict[str, Any] = {question: 1}
    result = stratify(dataclasses.replace(values, **answered), age_at_fy_end=age, fiscal_year=2024)
    assert result.level == GuidanceLevel.INFORMATION
    assert result.medication_excluded is True
    assert result.exception == "medication"


# Fillers that make each fact false or true: every completion of a checkup with gaps is one of their products.
FILLS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "waist_cm": ({"waist_cm": Decimal(70)}, {"waist_cm": Decimal(100)}),
    "height_cm": ({"height_cm": Decimal(200)}, {"height_cm": Decimal(140)}),  # weight 50–80: BMI < 25 / ≥ 25
    "systolic": ({"systolic_1": Decimal(110)}, {"systolic_1": Decimal(150)}),
    "diastolic": ({"diastolic_1": Decimal(70)}, {"diastolic_1": Decimal(95)}),
    "triglycerides_fasting": ({"triglycerides_fasting": Decimal(100)}, {"triglycerides_fasting": Decimal(200)}),
    "hdl": ({"hdl": Decimal(60)}, {"hdl": Decimal(30)}),
    "glucose_fasting": ({"glucose_fasting": Decimal(90)}, {"glucose_fasting": Decimal(120)}),
    "smoking": ({"smoking": 3}, {"smoking": 1}),
    "med_blood_pressure": ({"med_blood_pressure": 2}, {"med_blood_pressure": 1}),
    "med_glucose": ({"med_glucose": 2}, {"med_glucose": 1}),
    "med_lipids": ({"med_lipids": 2}, {"med_lipids": 1}),
}
GAPS = {
    "systolic": ("systolic_1", "systolic_2", "systolic_other"),
    "diastolic": ("diastolic_1", "diastolic_2", "diastolic_other"),
}

gappy_base = st.builds(
    StratificationInputs,
    sex=st.sampled_from([Sex.MALE, Sex.FEMALE]),
    height_cm=st.sampled_from([Decimal(140), Decimal(160), Decimal(200)]),
    weight_kg=whole(50, 80),
    waist_cm=st.sampled_from([Decimal(80), Decimal(95)]),
    systolic_1=st.sampled_from([Decimal(120), Decimal(140)]),
    diastolic_1=st.sampled_from([Decimal(70), Decimal(90)]),
    meal_timing=st.just(2),
    triglycerides_fasting=st.sampled_from([Decimal(100), Decimal(200)]),
    hdl=st.sampled_from([Decimal(30), Decimal(60)]),
    glucose_fasting=st.sampled_from([Decimal(90), Decimal(105), Decimal(120)]),
    med_blood_pressure=st.sampled_from([1, 2, 2, 2]),
    med_glucose=st.just(2),
    med_lipids=st.just(2),
    smoking=st.sampled_from([1, 3]),
)


def completions(values: StratificationInputs, gaps: set[str]) -> list[StratificationInputs]:
    options = [FILLS[gap] for gap in sorted(gaps)]
    return [
        dataclasses.replace(values, **{k: v for fill in combo for k, v in fill.items()})
        for combo in itertools.product(*options)
    ]


@settings(max_examples=150)
@given(gappy_base, st.sets(st.sampled_from(sorted(FILLS)), max_size=6), st.integers(40, 74))
def test_undetermined_exactly_when_missing_data_could_change_the_level(
    base: StratificationInputs, gaps: set[str], age: int
) -> None:
    blanks: dict[str, Any] = {f: None for gap in gaps for f in GAPS.get(gap, (gap,))}
    blanked = dataclasses.replace(base, **blanks)
    result = stratify(blanked, age_at_fy_end=age, fiscal_year=2024)
    possible = {stratify(c, age_at_fy_end=age, fiscal_year=2024).level for c in completions(blanked, gaps)}
    assert GuidanceLevel.UNDETERMINED not in possible
    if len(possible) == 1:
        assert result.level == possible.pop()
    else:
        assert result.level == GuidanceLevel.UNDETERMINED
        assert result.undetermined_reasons


@settings(max_examples=150)
@given(gappy_base, st.sets(st.sampled_from(sorted(FILLS)), max_size=6))
def test_metabolic_undetermined_exactly_when_missing_data_could_change_it(
    base: StratificationInputs, gaps: set[str]
) -> None:
    blanks: dict[str, Any] = {f: None for gap in gaps for f in GAPS.get(gap, (gap,))}
    blanked = dataclasses.replace(base, **blanks)
    result = judge_metabolic(blanked, fiscal_year=2024)
    possible = {judge_metabolic(c, fiscal_year=2024).code for c in completions(blanked, gaps)}
    if len(possible) == 1:
        assert result.code == possible.pop()
    else:
        assert result.code == MetabolicJudgment.UNDETERMINED
