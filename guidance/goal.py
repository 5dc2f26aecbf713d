"""The 2 cm・2 kg goal of 積極的支援 (SPEC §5.5) in kg and cm for one exam weight and waist.

The arithmetic is exact (Decimal): the 0.024 rule is only spelled out when it gives less than 2, and the change that
can be recorded (weight and waist are recorded to 0.1) is the threshold rounded up to 0.1. Used by the staff
programme page and the self-service page alike.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from guidance.points import MAIN_TARGET_WEIGHT_KG, PROPORTIONAL_FACTOR, main_target_threshold

MEASUREMENT_STEP = Decimal("0.1")  # weight and waist are recorded to 0.1 kg / 0.1 cm
FACTOR = PROPORTIONAL_FACTOR  # shown on the page: "exam weight × 0.024"


@dataclass(frozen=True)
class MainGoal:
    exam_weight_kg: Decimal
    exam_waist_cm: Decimal | None
    threshold: Decimal  # unrounded: min(2.0, exam weight × 0.024), the same number in kg and in cm
    product: Decimal  # exam weight × 0.024, exact
    recordable: Decimal  # the smallest change recorded to 0.1 that meets the threshold
    proportional: bool  # the 0.024 rule gives less than 2.0 for this person
    target_weight_kg: Decimal
    target_waist_cm: Decimal | None

    @property
    def rounded_up(self) -> bool:
        return self.recordable != self.threshold


def plain_number(number: Decimal) -> str:
    """1.5288 → '1.5288', 2.0 → '2', 87.3 → '87.3' (no exponent, no trailing zeros)."""
    return f"{number.normalize():f}"


def recordable_change(exam_weight_kg: Decimal) -> Decimal:
    """The smallest loss, recorded to 0.1 kg / 0.1 cm, that meets the 180-point row: the threshold rounded up."""
    return main_target_threshold(Decimal(exam_weight_kg)).quantize(MEASUREMENT_STEP, rounding=ROUND_CEILING)


def main_goal(exam_weight_kg: Decimal | None, exam_waist_cm: Decimal | None) -> MainGoal | None:
    """None without an exam-day weight: the goal cannot be computed."""
    if exam_weight_kg is None:
        return None
    weight = Decimal(exam_weight_kg)
    threshold = main_target_threshold(weight)
    recordable = recordable_change(weight)
    waist = None if exam_waist_cm is None else Decimal(exam_waist_cm)
    return MainGoal(
        exam_weight_kg=weight,
        exam_waist_cm=waist,
        threshold=threshold,
        product=weight * PROPORTIONAL_FACTOR,
        recordable=recordable,
        proportional=threshold < MAIN_TARGET_WEIGHT_KG,
        target_weight_kg=weight - recordable,
        target_waist_cm=None if waist is None else waist - recordable,
    )


def goal_numbers(goal: MainGoal) -> dict[str, str]:
    """The goal's numbers as the page prints them."""
    return {  # measured values as recorded (75.0), computed ones without trailing zeros (1.8000 → 1.8)
        "weight": f"{goal.exam_weight_kg:f}",
        "waist": "" if goal.exam_waist_cm is None else f"{goal.exam_waist_cm:f}",
        "factor": plain_number(FACTOR),
        "product": plain_number(goal.product),
        "change": plain_number(goal.recordable),
        "target_weight": f"{goal.target_weight_kg:f}",
        "target_waist": "" if goal.target_waist_cm is None else f"{goal.target_waist_cm:f}",
    }
