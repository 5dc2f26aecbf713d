"""Step 1 (SPEC §2.2): group A by waist or visceral fat area, else group B by BMI ≥ 25."""

from decimal import Decimal

from checkups.bmi import compute_bmi

from .findings import Criterion
from .inputs import StratificationInputs
from .rules import RuleSet

GROUP_UNDETERMINED = "undetermined"


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


def bmi_fact(inputs: StratificationInputs, rules: RuleSet) -> tuple[Decimal | None, bool | None]:
    """(BMI, group B by BMI ≥ 25) — both None without height and weight (SPEC §2.2)."""
    height, weight = inputs.height_cm, inputs.weight_kg
    if height is None or weight is None or height <= 0:
        return None, None
    bmi = compute_bmi(height, weight)
    return bmi, bmi >= rules.bmi


def group_of(a: bool | None, b: bool | None) -> str | None:
    if a:
        return "A"
    if a is None:
        return GROUP_UNDETERMINED
    if b is None:
        return GROUP_UNDETERMINED
    return "B" if b else None
