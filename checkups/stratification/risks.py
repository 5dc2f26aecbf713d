"""Step 2 (SPEC §2.3): the additional risks ① blood pressure, ② lipids, ③ glucose, ④ smoking.

The value selectors (which reading, which triglycerides, which glucose) are shared with the metabolic judgment
(SPEC §3.2), so both judgments read a checkup the same way.
"""

from collections.abc import Mapping
from decimal import Decimal

from .findings import Criterion, Finding
from .inputs import StratificationInputs
from .rules import RuleSet


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


def smoking_counts(smoking: Finding, risks: tuple[Finding, ...], risk_count: int | None) -> bool | None:
    """SPEC §2.3 ④: smoking adds a risk only with one of ①–③; None while that is unknown."""
    if smoking.present is None:
        return None
    if not smoking.present or risk_count == 0:
        return False
    return True if any(r.present for r in risks) else None
