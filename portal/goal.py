"""The 2 cm・2 kg goal (SPEC §5.5) in kg and cm for one person, and a self-logged change against its own checkup.

No points here: they matter only to 積極的支援 and are shown apart. The arithmetic shown is exact (Decimal): the
0.024 rule is only spelled out when it gives less than 2, and when the recordable change (weight and waist are
recorded to 0.1) is rounded up, the page says so.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from guidance.goal import FACTOR, MEASUREMENT_STEP, MainGoal, goal_numbers, main_goal, plain_number

__all__ = [
    "FACTOR",
    "MEASUREMENT_STEP",
    "Baseline",
    "MainGoal",
    "WeightChange",
    "belongs_to",
    "goal_numbers",
    "main_goal",
    "weight_change",
]


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
        return ("+" if change > 0 else "−") + plain_number(abs(change))


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
