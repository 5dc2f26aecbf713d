"""階層化 (stratification into guidance levels): SPEC §2. Pure functions, rules versioned by fiscal year.

Every threshold lives in one `RuleSet` per period (`RULES_4TH`, `RULES_3RD`); the level table is
`LEVEL_BY_RISK_COUNT`. The value selectors (`judge_*`) are shared with the metabolic judgment (SPEC §3).
Missing data (SPEC §2.6 ◆) is handled by enumerating the unknown yes/no facts, only when something is missing.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from itertools import product
from typing import Any, NamedTuple

from checkups.bmi import compute_bmi
from checkups.codes import GuidanceLevel
from members.age_basis import is_senior
from members.codes import Sex
from members.fiscal import FOURTH_PERIOD_FIRST_FY

D = Decimal
ANY_TIMING = None  # a RuleSet timing of None: the column is trusted whatever 採血時間 says


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every threshold and code of one period's stratification (SPEC §2) and metabolic judgment (SPEC §3)."""

    version: str
    waist_cm: Mapping[int, Decimal]  # SPEC §2.2, §3.1: ≥ 85 male / ≥ 90 female
    visceral_fat_cm2: Decimal  # SPEC §2.2, §3.1: ≥ 100
    bmi: Decimal  # SPEC §2.2: group B if ≥ 25
    systolic: Decimal  # SPEC §2.3 ①, §3.2: ≥ 130
    diastolic: Decimal  # SPEC §2.3 ①, §3.2: ≥ 85
    triglycerides: Mapping[str, Decimal]  # SPEC §2.3 ②: column → threshold (≥)
    triglycerides_column_by_timing: Mapping[int, str]  # SPEC §2.3 ②: 採血時間 code → usable column
    triglycerides_any_timing: str | None  # 3rd period: the one TG column, whatever the time code
    hdl_below: Decimal  # SPEC §2.3 ②, §3.2: HDL < 40
    glucose: Mapping[str, Decimal]  # SPEC §2.3 ③: item → threshold (≥), in priority order
    metabolic_glucose: Mapping[str, Decimal]  # SPEC §3.2: item → threshold (≥), same priority
    fasting_timings: frozenset[int] | None  # SPEC §2.3 ②③, §9.4: fasting values need 採血時間 2
    random_glucose_timings: frozenset[int] | None  # SPEC §2.3 ③: random glucose needs code 3
    smoking_codes: frozenset[int]  # SPEC §4.2: Q8 answer set of the period
    smoker_code: int  # SPEC §2.3 ④: Q8 = 1
    medication_yes: int  # SPEC §2.5a: Q1–Q3 = 1 はい
    medication_no: int  # SPEC §4.1: 2 いいえ


_WAIST_CM: dict[int, Decimal] = {Sex.MALE: D(85), Sex.FEMALE: D(90)}  # SPEC §2.2
_STRAT_GLUCOSE = {"glucose_fasting": D(100), "hba1c": D("5.6"), "glucose_random": D(100)}  # SPEC §2.3 ③ ◆
_METABOLIC_GLUCOSE = {"glucose_fasting": D(110), "hba1c": D("6.0"), "glucose_random": D(110)}  # SPEC §3.2 ◆

RULES_4TH = RuleSet(
    version="4th",
    waist_cm=_WAIST_CM,
    visceral_fat_cm2=D(100),
    bmi=D(25),
    systolic=D(130),
    diastolic=D(85),
    triglycerides={"triglycerides_fasting": D(150), "triglycerides_random": D(175)},  # SPEC §2.3 ②
    triglycerides_column_by_timing={2: "triglycerides_fasting", 3: "triglycerides_random"},  # SPEC §2.3 ②
    triglycerides_any_timing=None,  # SPEC §2.3 ②: code 4 or no code → unusable
    hdl_below=D(40),
    glucose=_STRAT_GLUCOSE,
    metabolic_glucose=_METABOLIC_GLUCOSE,
    fasting_timings=frozenset({2}),  # SPEC §2.1: 2 = ≥ 10 h
    random_glucose_timings=frozenset({3}),  # SPEC §2.1: 3 = 3.5–10 h; 4 (right after a meal) never
    smoking_codes=frozenset({1, 2, 3}),  # SPEC §4.2 (.24060)
    smoker_code=1,
    medication_yes=1,
    medication_no=2,
)
# SPEC §2.7: before FY2024 there is no random TG and Q8 is yes/no (.2003). The 3rd-period 採血時間 codes differ
# (legacy 1 = < 10 h, formats-notes §1.8), so 3rd-period columns are trusted as named: the fasting TG/glucose
# columns whatever the time code, random glucose (still only without HbA1c) likewise.
RULES_3RD = RuleSet(
    version="3rd",
    waist_cm=_WAIST_CM,
    visceral_fat_cm2=D(100),
    bmi=D(25),
    systolic=D(130),
    diastolic=D(85),
    triglycerides={"triglycerides_fasting": D(150)},
    triglycerides_column_by_timing={},
    triglycerides_any_timing="triglycerides_fasting",
    hdl_below=D(40),
    glucose=_STRAT_GLUCOSE,
    metabolic_glucose=_METABOLIC_GLUCOSE,
    fasting_timings=ANY_TIMING,
    random_glucose_timings=ANY_TIMING,
    smoking_codes=frozenset({1, 2}),  # .2003: 1 はい, 2 いいえ
    smoker_code=1,
    medication_yes=1,
    medication_no=2,
)

_I, _M, _N = GuidanceLevel.INTENSIVE, GuidanceLevel.MOTIVATIONAL, GuidanceLevel.INFORMATION
# SPEC §2.4: level by group and number of risks ①–④ (④ counted only with one of ①–③), index = count 0–4.
LEVEL_BY_RISK_COUNT: Mapping[str, tuple[GuidanceLevel, ...]] = {
    "A": (_N, _M, _I, _I, _I),
    "B": (_N, _M, _M, _I, _I),
}
_LEVEL_A, _LEVEL_B = LEVEL_BY_RISK_COUNT["A"], LEVEL_BY_RISK_COUNT["B"]
GROUP_UNDETERMINED = "undetermined"
EXCEPTION_MEDICATION = "medication"  # SPEC §2.5a
EXCEPTION_AGE = "age_65_74"  # SPEC §2.5b: age basis 65 or more (stored code, kept although 75 is included)


def rules_for(fiscal_year: int) -> RuleSet:
    return RULES_4TH if fiscal_year >= FOURTH_PERIOD_FIRST_FY else RULES_3RD


@dataclass(frozen=True, slots=True)
class StratificationInputs:
    """The values one checkup contributes (SPEC §2.1); names match the Django model columns."""

    sex: int
    height_cm: Decimal | None = None
    weight_kg: Decimal | None = None
    waist_cm: Decimal | None = None
    visceral_fat_area_cm2: Decimal | None = None
    systolic_1: Decimal | None = None
    systolic_2: Decimal | None = None
    systolic_other: Decimal | None = None
    diastolic_1: Decimal | None = None
    diastolic_2: Decimal | None = None
    diastolic_other: Decimal | None = None
    meal_timing: int | None = None
    triglycerides_fasting: Decimal | None = None
    triglycerides_random: Decimal | None = None
    hdl: Decimal | None = None
    glucose_fasting: Decimal | None = None
    glucose_random: Decimal | None = None
    hba1c: Decimal | None = None
    med_blood_pressure: int | None = None
    med_glucose: int | None = None
    med_lipids: int | None = None
    smoking: int | None = None

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> "StratificationInputs":
        """Build from a `.values()` row or any mapping; extra keys are ignored, numbers become Decimal."""
        kwargs: dict[str, Any] = {name: _to_code(row.get(name)) for name in CODE_FIELDS}
        kwargs.update({name: _to_decimal(row.get(name)) for name in DECIMAL_FIELDS})
        if kwargs["sex"] is None:
            raise ValueError("sex is required")
        return cls(**kwargs)

    @classmethod
    def from_values(cls, values: Sequence[Any]) -> "StratificationInputs":
        """Build from values in `INPUT_FIELDS` order (a database row slice), with `from_mapping`'s conversions.

        The bulk path (restratification of a million rows): no intermediate mapping, and values that are already
        `Decimal`/`int`/None pass through the converters' fast paths.
        """
        converted: list[Any] = [convert(value) for convert, value in zip(_CONVERTERS, values, strict=True)]
        if converted[0] is None:
            raise ValueError("sex is required")
        return cls(*converted)


INPUT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(StratificationInputs))
CODE_FIELDS: tuple[str, ...] = (
    "sex", "meal_timing", "med_blood_pressure", "med_glucose", "med_lipids", "smoking",
)  # fmt: skip
DECIMAL_FIELDS: tuple[str, ...] = tuple(n for n in INPUT_FIELDS if n not in CODE_FIELDS)


def _to_decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    if type(value) is Decimal and value.is_finite():  # what the database gives: no further checks needed
        return value
    if value == "":
        return None
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float | str):
        try:
            result = Decimal(repr(value) if isinstance(value, float) else value.strip())  # 84.9 stays 84.9
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    else:
        raise TypeError(f"not a number: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def _to_code(value: object) -> int | None:
    if value is None or type(value) is int:
        return value
    if value == "":
        return None
    return int(value)  # type: ignore[call-overload]  # any other type raises TypeError/ValueError, as callers expect


# One converter per field of StratificationInputs, in INPUT_FIELDS order (`from_values`).
_CONVERTERS = tuple(_to_code if name in CODE_FIELDS else _to_decimal for name in INPUT_FIELDS)


class Criterion(NamedTuple):
    """One value compared with one threshold, for the record and the explanation."""

    item: str
    value: Decimal | int
    op: str  # ">=", "<" or "==" (a questionnaire code)
    threshold: Decimal | int
    met: bool


class Finding(NamedTuple):
    """One risk: present True/False/None (cannot be judged), the comparisons made, and a note why not."""

    name: str
    present: bool | None
    criteria: tuple[Criterion, ...]
    note: str = ""


def _any_met(first: bool | None, second: bool | None) -> bool | None:
    """OR where None is unknown: True if either holds, False only if both are known not to."""
    if first or second:
        return True
    if first is None or second is None:
        return None
    return False


_SYSTOLIC_ITEMS = ("systolic_mean", "systolic_1", "systolic_2", "systolic_other")
_DIASTOLIC_ITEMS = ("diastolic_mean", "diastolic_1", "diastolic_2", "diastolic_other")


def _reading(
    first: Decimal | None, second: Decimal | None, other: Decimal | None, items: tuple[str, ...]
) -> tuple[Decimal | None, str]:
    """SPEC §2.1 ◆: mean of the 1st and 2nd reading, unrounded; else the one present; else その他."""
    if first is not None:
        if second is not None:
            return (first + second) / 2, items[0]
        return first, items[1]
    if second is not None:
        return second, items[2]
    if other is not None:
        return other, items[3]
    return None, ""


def judge_visceral_fat(inputs: StratificationInputs, rules: RuleSet) -> tuple[bool | None, tuple[Criterion, ...]]:
    """Waist ≥ 85/90 or visceral fat area ≥ 100 (SPEC §2.2, §3.1); None when neither was measured."""
    waist, area = inputs.waist_cm, inputs.visceral_fat_area_cm2
    if area is None:
        if waist is None:
            return None, ()
        threshold = rules.waist_cm[inputs.sex]
        met = waist >= threshold
        return met, (Criterion("waist_cm", waist, ">=", threshold, met),)
    area_met = area >= rules.visceral_fat_cm2
    area_criterion = Criterion("visceral_fat_area_cm2", area, ">=", rules.visceral_fat_cm2, area_met)
    if waist is None:
        return area_met, (area_criterion,)
    threshold = rules.waist_cm[inputs.sex]
    waist_met = waist >= threshold
    return waist_met or area_met, (Criterion("waist_cm", waist, ">=", threshold, waist_met), area_criterion)


def judge_blood_pressure(inputs: StratificationInputs, rules: RuleSet) -> Finding:
    """① systolic ≥ 130 or diastolic ≥ 85 (SPEC §2.3 ①, §3.2)."""
    systolic, s_item = _reading(inputs.systolic_1, inputs.systolic_2, inputs.systolic_other, _SYSTOLIC_ITEMS)
    diastolic, d_item = _reading(inputs.diastolic_1, inputs.diastolic_2, inputs.diastolic_other, _DIASTOLIC_ITEMS)
    if systolic is not None and diastolic is not None:
        s_met = systolic >= rules.systolic
        d_met = diastolic >= rules.diastolic
        criteria = (
            Criterion(s_item, systolic, ">=", rules.systolic, s_met),
            Criterion(d_item, diastolic, ">=", rules.diastolic, d_met),
        )
        return Finding("blood_pressure", s_met or d_met, criteria)
    if systolic is not None:
        met = systolic >= rules.systolic
        return Finding(
            "blood_pressure", True if met else None, (Criterion(s_item, systolic, ">=", rules.systolic, met),)
        )
    if diastolic is not None:
        met = diastolic >= rules.diastolic
        criterion = Criterion(d_item, diastolic, ">=", rules.diastolic, met)
        return Finding("blood_pressure", True if met else None, (criterion,))
    return Finding("blood_pressure", None, ())


def usable_triglycerides(inputs: StratificationInputs, rules: RuleSet) -> tuple[str, Decimal | None, str]:
    """(column, value, note) of the TG value the time code allows (SPEC §2.3 ②); value None if none is usable."""
    column, timing = rules.triglycerides_any_timing, inputs.meal_timing
    if column is None and timing is not None:
        column = rules.triglycerides_column_by_timing.get(timing)
    if column is not None:
        value = getattr(inputs, column)
        if value is not None:
            return column, value, ""
    if inputs.triglycerides_fasting is not None or inputs.triglycerides_random is not None:
        return "", None, "triglycerides_timing_unusable"
    return "", None, ""


def judge_lipids(inputs: StratificationInputs, rules: RuleSet) -> Finding:
    """② TG ≥ 150 fasting / ≥ 175 random, or HDL < 40 at any time (SPEC §2.3 ②, §3.2)."""
    column, tg, note = usable_triglycerides(inputs, rules)
    criteria = []
    tg_met = hdl_met = None
    if tg is not None:
        threshold = rules.triglycerides[column]
        tg_met = tg >= threshold
        criteria.append(Criterion(column, tg, ">=", threshold, tg_met))
    hdl = inputs.hdl
    if hdl is not None:
        hdl_met = hdl < rules.hdl_below
        criteria.append(Criterion("hdl", hdl, "<", rules.hdl_below, hdl_met))
    return Finding("lipids", _any_met(tg_met, hdl_met), tuple(criteria), note)


def usable_glucose(inputs: StratificationInputs, rules: RuleSet) -> tuple[str, Decimal | None]:
    """The first usable of fasting glucose, HbA1c, random glucose (SPEC §2.3 ③ ◆, §3.2 ◆)."""
    timing = inputs.meal_timing
    value = inputs.glucose_fasting
    if value is not None and (rules.fasting_timings is None or timing in rules.fasting_timings):
        return "glucose_fasting", value
    if inputs.hba1c is not None:
        return "hba1c", inputs.hba1c
    value = inputs.glucose_random
    if value is not None and (rules.random_glucose_timings is None or timing in rules.random_glucose_timings):
        return "glucose_random", value
    return "", None


def judge_glucose(inputs: StratificationInputs, rules: RuleSet, thresholds: Mapping[str, Decimal]) -> Finding:
    """③ with the given thresholds: `rules.glucose` (SPEC §2.3 ③) or `rules.metabolic_glucose` (SPEC §3.2)."""
    item, value = usable_glucose(inputs, rules)
    if value is None:
        note = "glucose_unusable" if inputs.glucose_fasting is not None or inputs.glucose_random is not None else ""
        return Finding("glucose", None, (), note)
    threshold = thresholds[item]
    met = value >= threshold
    return Finding("glucose", met, (Criterion(item, value, ">=", threshold, met),))


def judge_smoking(inputs: StratificationInputs, rules: RuleSet) -> Finding:
    """④ Q8 = 1 (SPEC §2.3 ④); 2 and 3 are not smokers; blank or a code outside the set cannot be judged."""
    code = inputs.smoking
    if code not in rules.smoking_codes:
        return Finding("smoking", None, ())
    met = code == rules.smoker_code
    return Finding("smoking", met, (Criterion("smoking", code, "==", rules.smoker_code, met),))


def on_medication(inputs: StratificationInputs, rules: RuleSet) -> bool | None:
    """Q1, Q2 or Q3 = はい (SPEC §2.5a); False only when all three answered いいえ."""
    answers = (inputs.med_blood_pressure, inputs.med_glucose, inputs.med_lipids)
    if rules.medication_yes in answers:
        return True
    if answers == (rules.medication_no,) * 3:
        return False
    return None


# --- Levels (SPEC §2.4–§2.6) -------------------------------------------------------------------------------------

# The yes/no facts a level depends on, in `_levels` argument order; an unknown one is enumerated (SPEC §2.6 ◆).
FACTS = ("waist", "bmi", "blood_pressure", "lipids", "glucose", "smoking", "medication")
Levels = tuple[GuidanceLevel, GuidanceLevel, GuidanceLevel]


def _levels(a: bool, b: bool, bp: bool, lip: bool, glu: bool, smk: bool, med: bool, senior: bool) -> Levels:
    """(steps 1–3 level, level after the age exception, final level) for fully known facts (SPEC §2.2–§2.5)."""
    if a:
        table = _LEVEL_A
    elif b:
        table = _LEVEL_B
    else:
        return _N, _N, _N
    n = bp + lip + glu
    if n and smk:  # SPEC §2.3 ④: smoking counts only with one of ①–③
        n += 1
    step3 = table[n]
    without_med = _M if senior and step3 is _I else step3  # SPEC §2.5b
    return step3, without_med, _N if med else without_med  # SPEC §2.5a


def _enumerate(facts: tuple[bool | None, ...], senior: bool) -> tuple[Levels, tuple[str, ...], bool]:
    """SPEC §2.6 ◆: try every value of the unknown facts; a level that varies is 判定不能.

    Returns the three levels, the unknown facts that can change the final level, and whether 積極的支援 was
    possible before the age exception (so the age exception is reported when it may have applied).
    """
    unknown = [i for i, fact in enumerate(facts) if fact is None]
    outcomes: dict[tuple[bool, ...], Levels] = {}
    for combo in product((False, True), repeat=len(unknown)):
        values: list[Any] = list(facts)  # every None is replaced by a bool below
        for i, value in zip(unknown, combo, strict=True):
            values[i] = value
        a, b, bp, lip, glu, smk, med = values
        outcomes[combo] = _levels(a, b, bp, lip, glu, smk, med, senior)
    levels = []
    for k in range(3):
        seen = {outcome[k] for outcome in outcomes.values()}
        levels.append(seen.pop() if len(seen) == 1 else GuidanceLevel.UNDETERMINED)
    reasons = []
    for pos, fact_index in enumerate(unknown):
        for combo, outcome in outcomes.items():
            if not combo[pos] and outcomes[(*combo[:pos], True, *combo[pos + 1 :])][2] != outcome[2]:
                reasons.append(FACTS[fact_index])
                break
    intensive_possible = any(outcome[0] is _I for outcome in outcomes.values())
    return (levels[0], levels[1], levels[2]), tuple(reasons), intensive_possible


def _group(a: bool | None, b: bool | None) -> str | None:
    if a:
        return "A"
    if a is None:
        return GROUP_UNDETERMINED
    if b is None:
        return GROUP_UNDETERMINED
    return "B" if b else None


# --- Result and its explanation -----------------------------------------------------------------------------------

ITEM_TEXT: Mapping[str, tuple[str, str, str]] = {  # item → (ja, en, unit)
    "waist_cm": ("腹囲", "waist", "cm"),
    "visceral_fat_area_cm2": ("内臓脂肪面積", "visceral fat area", "cm²"),
    "bmi": ("BMI", "BMI", ""),
    "systolic_mean": ("収縮期血圧(1・2回目の平均)", "systolic BP (mean of 1st and 2nd)", "mmHg"),
    "systolic_1": ("収縮期血圧(1回目)", "systolic BP (1st)", "mmHg"),
    "systolic_2": ("収縮期血圧(2回目)", "systolic BP (2nd)", "mmHg"),
    "systolic_other": ("収縮期血圧(その他)", "systolic BP (other)", "mmHg"),
    "diastolic_mean": ("拡張期血圧(1・2回目の平均)", "diastolic BP (mean of 1st and 2nd)", "mmHg"),
    "diastolic_1": ("拡張期血圧(1回目)", "diastolic BP (1st)", "mmHg"),
    "diastolic_2": ("拡張期血圧(2回目)", "diastolic BP (2nd)", "mmHg"),
    "diastolic_other": ("拡張期血圧(その他)", "diastolic BP (other)", "mmHg"),
    "triglycerides_fasting": ("空腹時中性脂肪", "fasting triglycerides", "mg/dl"),
    "triglycerides_random": ("随時中性脂肪", "random triglycerides", "mg/dl"),
    "hdl": ("HDLコレステロール", "HDL cholesterol", "mg/dl"),
    "glucose_fasting": ("空腹時血糖", "fasting glucose", "mg/dl"),
    "hba1c": ("HbA1c", "HbA1c", "%"),
    "glucose_random": ("随時血糖", "random glucose", "mg/dl"),
    "smoking": ("喫煙(質問8)", "smoking (Q8)", ""),
    "med_blood_pressure": ("服薬・血圧(質問1)", "BP medication (Q1)", ""),
    "med_glucose": ("服薬・血糖(質問2)", "glucose medication (Q2)", ""),
    "med_lipids": ("服薬・脂質(質問3)", "lipid medication (Q3)", ""),
}
FACT_TEXT: Mapping[str, tuple[str, str]] = {
    "waist": ("腹囲・内臓脂肪面積", "waist / visceral fat area"),
    "bmi": ("BMI(身長・体重)", "BMI (height, weight)"),
    "blood_pressure": ("血圧", "blood pressure"),
    "lipids": ("脂質", "lipids"),
    "glucose": ("血糖", "glucose"),
    "smoking": ("喫煙", "smoking"),
    "medication": ("服薬(質問1–3)", "medication (Q1–3)"),
}
NOTE_TEXT: Mapping[str, tuple[str, str]] = {
    "triglycerides_timing_unusable": (
        "中性脂肪は採血時間(食後3.5時間未満・未記入)により使用しない",
        "triglycerides not used (drawn < 3.5 h after a meal, or no time code)",
    ),
    "glucose_unusable": ("血糖値は採血時間が合わず使用しない", "glucose value not usable for its time code"),
}
LEVEL_TEXT: Mapping[int, tuple[str, str]] = {
    1: ("積極的支援", "intensive support"),
    2: ("動機付け支援", "motivational support"),
    3: ("なし(情報提供)", "information only"),
    4: ("判定不能", "undetermined"),
}
PRESENT_TEXT: Mapping[bool | None, tuple[str, str]] = {
    True: ("リスクあり", "risk present"),
    False: ("リスクなし", "no risk"),
    None: ("判定できない", "cannot be judged"),
}
_GROUP_TEXT = {
    "A": ("グループA", "group A"),
    "B": ("グループB", "group B"),
    None: ("該当なし(情報提供)", "neither group (information only)"),
    GROUP_UNDETERMINED: ("グループ判定できない", "group cannot be determined"),
}
SEX_TEXT: dict[int, tuple[str, str]] = {Sex.MALE: ("男性", "male"), Sex.FEMALE: ("女性", "female")}
_SIGN = {
    (">=", True): "≥",
    (">=", False): "<",
    ("<", True): "<",
    ("<", False): "≥",
    ("==", True): "=",
    ("==", False): "≠",
}


def _lang(lang: str) -> int:
    return 0 if lang == "ja" else 1


def describe_criterion(criterion: Criterion, lang: str = "ja", sex: int | None = None) -> str:
    """E.g. "腹囲 88.0 cm ≥ 85 cm (男性)"."""
    ja_en_unit = ITEM_TEXT.get(criterion.item, (criterion.item, criterion.item, ""))
    label, unit = ja_en_unit[_lang(lang)], ja_en_unit[2]
    suffix = f" {unit}" if unit else ""
    if criterion.op == "==":  # a questionnaire answer: show the code given
        return f"{label}: {('回答', 'answer')[_lang(lang)]} {criterion.value}"
    sign = _SIGN[(criterion.op, criterion.met)]
    text = f"{label} {criterion.value}{suffix} {sign} {criterion.threshold}{suffix}"
    if criterion.item == "waist_cm" and sex is not None and sex in SEX_TEXT:
        text += f" ({SEX_TEXT[sex][_lang(lang)]})"
    return text


def describe_finding(
    finding: Finding, lang: str = "ja", outcome_text: Mapping[bool | None, tuple[str, str]] | None = None
) -> str:
    """E.g. "血圧: 収縮期血圧(1・2回目の平均) 129.5 mmHg < 130 mmHg → リスクなし"."""
    i = _lang(lang)
    parts = [describe_criterion(c, lang) for c in finding.criteria]
    if finding.note:
        parts.append(NOTE_TEXT[finding.note][i])
    if not parts:
        parts.append(("値なし", "no value")[i])
    joined = "、".join(parts) if i == 0 else "; ".join(parts)
    outcome = (outcome_text or PRESENT_TEXT)[finding.present][i]
    return f"{FACT_TEXT[finding.name][i]}: {joined} → {outcome}"


def criterion_to_dict(criterion: Criterion) -> dict[str, Any]:
    return {
        "item": criterion.item,
        "value": str(criterion.value),
        "op": criterion.op,
        "threshold": str(criterion.threshold),
        "met": criterion.met,
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "present": finding.present,
        "criteria": [criterion_to_dict(c) for c in finding.criteria],
        "note": finding.note,
    }


@dataclass(frozen=True, slots=True)
class StratificationResult:
    """Why a checkup got its level (SPEC §2.7): rule set, group, each risk with its values, exceptions."""

    rules_version: str
    level: GuidanceLevel
    level_before_exceptions: GuidanceLevel  # steps 1–3 only
    level_without_medication: GuidanceLevel  # SPEC §2.5a: the level kept for analysis (age exception applied)
    group: str | None  # "A", "B", None (neither) or GROUP_UNDETERMINED
    group_criteria: tuple[Criterion, ...]
    bmi: Decimal | None
    blood_pressure: Finding
    lipids: Finding
    glucose: Finding
    smoking: Finding
    risk_count: int | None  # ①–③ present, when all three are known
    smoking_counted: bool | None
    medication: bool | None
    medication_excluded: bool
    exception: str | None  # EXCEPTION_MEDICATION, EXCEPTION_AGE or None
    missing: tuple[str, ...]  # facts that could not be judged (FACTS names)
    undetermined_reasons: tuple[str, ...]  # the missing facts that could change the level
    sex: int
    age_at_fy_end: int

    @property
    def risks(self) -> tuple[Finding, ...]:
        return (self.blood_pressure, self.lipids, self.glucose, self.smoking)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable record for storage; Decimals as strings so nothing is rounded."""
        return {
            "rules_version": self.rules_version,
            "level": int(self.level),
            "level_before_exceptions": int(self.level_before_exceptions),
            "level_without_medication": int(self.level_without_medication),
            "group": self.group,
            "group_criteria": [criterion_to_dict(c) for c in self.group_criteria],
            "bmi": None if self.bmi is None else str(self.bmi),
            "risks": {f.name: finding_to_dict(f) for f in self.risks},
            "risk_count": self.risk_count,
            "smoking_counted": self.smoking_counted,
            "medication": self.medication,
            "medication_excluded": self.medication_excluded,
            "exception": self.exception,
            "missing": list(self.missing),
            "undetermined_reasons": list(self.undetermined_reasons),
            "age_at_fy_end": self.age_at_fy_end,
        }

    def explanation(self, lang: str = "ja") -> list[str]:
        """Plain sentences for staff, e.g. "腹囲 88.0 cm ≥ 85 cm (男性) → グループA"."""
        i = _lang(lang)
        sep = "、" if i == 0 else "; "
        group_parts = []
        if "waist" in self.missing:
            group_parts.append(("腹囲・内臓脂肪面積なし", "no waist or visceral fat area")[i])
        group_parts += [describe_criterion(c, lang, self.sex) for c in self.group_criteria]
        if "bmi" in self.missing and self.group != "A":
            group_parts.append(("BMIなし(身長・体重なし)", "no BMI (height or weight missing)")[i])
        lines = [f"{sep.join(group_parts)} → {_GROUP_TEXT[self.group][i]}"]
        lines += [describe_finding(f, lang) for f in self.risks]
        if self.smoking_counted is not None and self.smoking.present:
            lines.append(
                (
                    ("喫煙は他のリスクがあるため算入する", "smoking counts because another risk is present"),
                    ("喫煙は他のリスクがないため算入しない", "smoking does not count without another risk"),
                )[0 if self.smoking_counted else 1][i]
            )
        if self.group in ("A", "B") and self.risk_count is not None and self.smoking_counted is not None:
            n = self.risk_count + int(self.smoking_counted)
            level = LEVEL_TEXT[self.level_before_exceptions][i]
            lines.append((f"追加リスク {n} 個 → {level}", f"{n} additional risk(s) → {level}")[i])
        if self.exception == EXCEPTION_AGE:
            lines.append(
                (
                    f"年度末年齢 {self.age_at_fy_end} 歳 (65歳以上): 積極的支援は動機付け支援とする",
                    f"age basis {self.age_at_fy_end} (65 or more): intensive becomes motivational support",
                )[i]
            )
        if self.medication_excluded:
            kept = LEVEL_TEXT[self.level_without_medication][i]
            lines.append(
                (
                    f"服薬中(質問1–3)のため特定保健指導の対象外 (規則上のレベル: {kept})",
                    f"on medication (Q1–3): not a guidance target (level by the rules: {kept})",
                )[i]
            )
        if self.undetermined_reasons:
            names = sep.join(FACT_TEXT[r][i] for r in self.undetermined_reasons)
            lines.append((f"欠測により結果が変わりうる: {names}", f"missing data could change the level: {names}")[i])
        elif self.missing:
            names = sep.join(FACT_TEXT[r][i] for r in self.missing)
            lines.append(
                (f"欠測 ({names}) があっても結果は変わらない", f"missing ({names}) cannot change the level")[i]
            )
        version = ("第4期" if self.rules_version == "4th" else "第3期", f"{self.rules_version}-period rules")[i]
        lines.append(
            (
                f"保健指導レベル: {LEVEL_TEXT[self.level][0]} ({version})",
                f"level: {LEVEL_TEXT[self.level][1]} ({version})",
            )[i]
        )
        return lines


# --- Entry points -------------------------------------------------------------------------------------------------


def stratify(inputs: StratificationInputs, *, age_at_fy_end: int, fiscal_year: int) -> StratificationResult:
    """階層化 of one checkup (SPEC §2), with the rules of its fiscal year (SPEC §2.7)."""
    rules = RULES_4TH if fiscal_year >= FOURTH_PERIOD_FIRST_FY else RULES_3RD
    visceral = judge_visceral_fat(inputs, rules)
    bp = judge_blood_pressure(inputs, rules)
    return stratify_judged(inputs, rules, visceral, bp, judge_lipids(inputs, rules), age_at_fy_end=age_at_fy_end)


def _bmi_fact(inputs: StratificationInputs, rules: RuleSet) -> tuple[Decimal | None, bool | None]:
    """(BMI, group B by BMI ≥ 25) — both None without height and weight (SPEC §2.2)."""
    height, weight = inputs.height_cm, inputs.weight_kg
    if height is None or weight is None or height <= 0:
        return None, None
    bmi = compute_bmi(height, weight)
    return bmi, bmi >= rules.bmi


def _smoking_counted(smoking: Finding, risks: tuple[Finding, ...], risk_count: int | None) -> bool | None:
    """SPEC §2.3 ④: smoking adds a risk only with one of ①–③; None while that is unknown."""
    if smoking.present is None:
        return None
    if not smoking.present or risk_count == 0:
        return False
    return True if any(r.present for r in risks) else None


def stratify_judged(
    inputs: StratificationInputs,
    rules: RuleSet,
    visceral: tuple[bool | None, tuple[Criterion, ...]],
    bp: Finding,
    lip: Finding,
    *,
    age_at_fy_end: int,
) -> StratificationResult:
    """`stratify` once the findings it shares with the metabolic judgment are made (`metabolic.judge_checkup`)."""
    a, group_criteria = visceral
    bmi, b = _bmi_fact(inputs, rules)
    if bmi is not None and b is not None and not a:
        group_criteria = (*group_criteria, Criterion("bmi", bmi, ">=", rules.bmi, b))
    glu = judge_glucose(inputs, rules, rules.glucose)
    smk = judge_smoking(inputs, rules)
    med = on_medication(inputs, rules)
    senior = is_senior(age_at_fy_end)  # SPEC §2.5b: age basis 65 or more (members.age_basis)
    facts = (a, b, bp.present, lip.present, glu.present, smk.present, med)
    if None in facts:
        (step3, without_med, level), reasons, intensive_possible = _enumerate(facts, senior)
        missing = tuple(name for name, fact in zip(FACTS, facts, strict=True) if fact is None)
    else:
        step3, without_med, level = _levels(*facts, senior)  # type: ignore[arg-type]  # no None: ruled out above
        reasons = missing = ()
        intensive_possible = step3 is _I
    risk_count = None
    if bp.present is not None and lip.present is not None and glu.present is not None:
        risk_count = bp.present + lip.present + glu.present
    smoking_counted = _smoking_counted(smk, (bp, lip, glu), risk_count)
    exception = EXCEPTION_MEDICATION if med else EXCEPTION_AGE if senior and intensive_possible else None
    return StratificationResult(
        rules.version, level, step3, without_med, _group(a, b), group_criteria, bmi, bp, lip, glu, smk,
        risk_count, smoking_counted, med, med is True, exception, missing, reasons, inputs.sex, age_at_fy_end,
    )  # fmt: skip


# SPEC §2.8 ◆: improvement needed for 動機付け支援相当 after two years of 積極的支援, by this year's BMI.
CONSECUTIVE_BMI_SPLIT = D(30)
CONSECUTIVE_IMPROVEMENT_BELOW_SPLIT = (D("1.0"), D("1.0"))  # (waist cm, weight kg) when BMI < 30
CONSECUTIVE_IMPROVEMENT_FROM_SPLIT = (D("2.0"), D("2.0"))  # when BMI ≥ 30


def consecutive_intensive_eligible(
    prev_level: int | None,
    this_level: int | None,
    prev_weight: Decimal | None,
    this_weight: Decimal | None,
    prev_waist: Decimal | None,
    this_waist: Decimal | None,
    this_bmi: Decimal | None,
) -> bool:
    """SPEC §2.8 ◆: 積極的支援 last and this fiscal year, and this year's waist and weight improved enough.

    The BMI deciding the threshold is this year's (the checkup the guidance starts from). A reduction of
    ≥ 2.0 cm and ≥ 2.0 kg qualifies whatever the BMI, so only a smaller one needs this year's BMI.
    """
    if prev_level != GuidanceLevel.INTENSIVE or this_level != GuidanceLevel.INTENSIVE:
        return False
    if prev_weight is None or this_weight is None or prev_waist is None or this_waist is None:
        return False
    waist_drop = prev_waist - this_waist
    weight_drop = prev_weight - this_weight
    waist_needed, weight_needed = CONSECUTIVE_IMPROVEMENT_FROM_SPLIT
    if waist_drop >= waist_needed and weight_drop >= weight_needed:
        return True
    if this_bmi is None or this_bmi >= CONSECUTIVE_BMI_SPLIT:
        return False
    waist_needed, weight_needed = CONSECUTIVE_IMPROVEMENT_BELOW_SPLIT
    return waist_drop >= waist_needed and weight_drop >= weight_needed
