"""The 2 cm・2 kg goal (SPEC §5.5) in kg and cm for one person, and a self-logged change against its own checkup.

No points here: they matter only to 積極的支援 and are shown apart. The arithmetic shown is exact (Decimal): the
0.024 rule is only spelled out when it gives less than 2, and when the recordable change (weight and waist are
recorded to 0.1) is rounded up, the page says so.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from guidance.points import MAIN_TARGET_WEIGHT_KG, PROPORTIONAL_FACTOR, main_target_threshold

MEASUREMENT_STEP = Decimal("0.1")  # weight and waist are recorded to 0.1 kg / 0.1 cm
FACTOR = PROPORTIONAL_FACTOR  # shown on the page: "exam weight × 0.024"


@dataclass(frozen=True)
class Baseline:
    """A checkup's exam-day weight and waist: what a self-logged change is measured against."""

    checkup_id: int
    exam_date: dt.date
    fiscal_year: int
    program: str
    weight_kg: Decimal
    waist_cm: Decimal | None


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


def _plain(number: Decimal) -> str:
    """1.5288 → '1.5288', 2.0 → '2', 87.3 → '87.3' (no exponent, no trailing zeros)."""
    return f"{number.normalize():f}"


def main_goal(exam_weight_kg: Decimal | None, exam_waist_cm: Decimal | None) -> MainGoal | None:
    """None without an exam-day weight: the goal cannot be computed."""
    if exam_weight_kg is None:
        return None
    weight = Decimal(exam_weight_kg)
    threshold = main_target_threshold(weight)
    recordable = threshold.quantize(MEASUREMENT_STEP, rounding=ROUND_CEILING)
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
        "factor": _plain(FACTOR),
        "product": _plain(goal.product),
        "change": _plain(goal.recordable),
        "target_weight": f"{goal.target_weight_kg:f}",
        "target_waist": "" if goal.target_waist_cm is None else f"{goal.target_waist_cm:f}",
    }


@dataclass(frozen=True)
class WeightChange:
    """The latest self-logged weight against the exam-day weight of the checkup it belongs to."""

    baseline: Baseline
    latest_on: dt.date
    latest_kg: Decimal

    @property
    def change_kg(self) -> Decimal:
        return self.latest_kg - self.baseline.weight_kg

    @property
    def shown(self) -> str:
        """'−1.8', '+0.4', '±0' (a real minus sign)."""
        change = self.change_kg
        if change == 0:
            return "±0"
        return ("+" if change > 0 else "−") + _plain(abs(change))


def belongs_to(measured_on: dt.date, baselines: Sequence[Baseline]) -> Baseline | None:
    """The checkup a measurement belongs to: the latest one on or before its date (baselines oldest first)."""
    found = None
    for baseline in baselines:
        if baseline.exam_date <= measured_on:
            found = baseline
    return found


def weight_change(entries: Iterable[Any], baselines: Sequence[Baseline]) -> WeightChange | None:
    """None when no weight was logged, or the latest one is older than every checkup with a weight."""
    latest = None
    for entry in entries:
        if entry.weight_kg is not None and (latest is None or entry.measured_on >= latest.measured_on):
            latest = entry
    if latest is None:
        return None
    baseline = belongs_to(latest.measured_on, baselines)
    if baseline is None:
        return None
    return WeightChange(baseline=baseline, latest_on=latest.measured_on, latest_kg=Decimal(latest.weight_kg))
