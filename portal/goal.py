"""What the 2 cm・2 kg goal of 積極的支援 means for one person (SPEC §5.5), in numbers they can act on."""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from guidance.points import MAIN_TARGET_WEIGHT_KG, PROPORTIONAL_FACTOR, main_target_threshold

MEASUREMENT_STEP = Decimal("0.1")  # weight and waist are recorded to 0.1 kg / 0.1 cm


@dataclass(frozen=True)
class MainGoal:
    exam_weight_kg: Decimal
    exam_waist_cm: Decimal | None
    threshold: Decimal  # unrounded: min(2.0, exam weight × 0.024)
    practical: Decimal  # the smallest recordable change that meets it (rounded up to 0.1)
    proportional: bool  # the 0.024 rule gives less than 2.0 for this person
    target_weight_kg: Decimal
    target_waist_cm: Decimal | None


def main_goal(exam_weight_kg: Decimal | None, exam_waist_cm: Decimal | None) -> MainGoal | None:
    """None without an exam-day weight: the goal cannot be computed."""
    if exam_weight_kg is None:
        return None
    weight = Decimal(exam_weight_kg)
    threshold = main_target_threshold(weight)
    practical = threshold.quantize(MEASUREMENT_STEP, rounding=ROUND_CEILING)
    waist = None if exam_waist_cm is None else Decimal(exam_waist_cm)
    return MainGoal(
        exam_weight_kg=weight,
        exam_waist_cm=waist,
        threshold=threshold,
        practical=practical,
        proportional=threshold < MAIN_TARGET_WEIGHT_KG,
        target_weight_kg=weight - practical,
        target_waist_cm=None if waist is None else waist - practical,
    )


FACTOR = PROPORTIONAL_FACTOR  # shown on the page: "exam weight × 0.024"
