"""The 2 cm・2 kg goal in kg and cm with exact arithmetic, and a logged change against its own checkup (#18)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from portal.goal import Baseline, goal_numbers, main_goal, weight_change

D = Decimal


@pytest.mark.parametrize(
    ("weight", "waist", "proportional", "product", "change", "rounded_up", "target_weight", "target_waist"),
    [
        ("89.3", "99.6", False, "2.1432", "2", False, "87.3", "97.6"),  # 89.3 × 0.024 = 2.1432 > 2: the 2 kg rule
        ("63.7", "88.0", True, "1.5288", "1.6", True, "62.1", "86.4"),  # 1.5288 is rounded up to 1.6, and says so
        ("75.0", "88.0", True, "1.8", "1.8", False, "73.2", "86.2"),  # 1.8000 exactly: nothing to round
        ("83.3", None, True, "1.9992", "2", True, "81.3", ""),  # just below 2 kg, and no waist measured
    ],
)
def test_goal_numbers_are_exact(weight, waist, proportional, product, change, rounded_up, target_weight, target_waist):
    goal = main_goal(D(weight), None if waist is None else D(waist))
    assert goal is not None
    numbers = goal_numbers(goal)
    assert goal.proportional is proportional
    assert goal.rounded_up is rounded_up
    assert numbers["product"] == product and numbers["change"] == change
    assert numbers["target_weight"] == target_weight and numbers["target_waist"] == target_waist
    assert D(numbers["product"]) == D(weight) * D("0.024")  # never "= 2" for 2.1432


def test_no_goal_without_an_exam_weight() -> None:
    assert main_goal(None, D("90")) is None


BASELINES = [
    Baseline(1, dt.date(2025, 6, 2), 2025, "010", D("89.3"), D("99.6")),
    Baseline(2, dt.date(2026, 6, 3), 2026, "010", D("62.2"), D("80.0")),
]


def _entry(day: dt.date, kg: str | None) -> SimpleNamespace:
    return SimpleNamespace(measured_on=day, weight_kg=None if kg is None else D(kg))


def test_a_logged_weight_is_compared_with_the_checkup_it_belongs_to() -> None:
    change = weight_change([_entry(dt.date(2026, 9, 9), "61.9"), _entry(dt.date(2026, 11, 18), "60.4")], BASELINES)
    assert change.baseline.checkup_id == 2  # this year's checkup, not last year's 89.3 kg
    assert change.change_kg == D("-1.8") and change.shown == "−1.8"


def test_a_weight_logged_between_checkups_belongs_to_the_earlier_one() -> None:
    change = weight_change([_entry(dt.date(2026, 3, 1), "88.0")], BASELINES)
    assert change.baseline.checkup_id == 1 and change.shown == "−1.3"


def test_no_change_before_any_checkup_or_without_a_weight() -> None:
    assert weight_change([_entry(dt.date(2025, 1, 1), "80.0")], BASELINES) is None
    assert weight_change([_entry(dt.date(2026, 11, 1), None)], BASELINES) is None
    assert weight_change([_entry(dt.date(2026, 11, 1), "62.2")], BASELINES).shown == "±0"
