"""Outcome and process points of 積極的支援 (SPEC §5.5)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guidance.codes import BehaviourCategory, ContactForm, ContactKind
from guidance.completion import evaluate
from guidance.points import main_target_threshold, outcome_lines
from tests.guidance.facts import EXAM, EXAM_WAIST, contact, final, initial, programme, support

START = EXAM + dt.timedelta(days=8)
FINAL_DAY = dt.date(2024, 8, 18)  # 3 months after START


def _measurement_outcome(exam_weight: str, weight_loss: str, waist_loss: str) -> tuple[str, int]:
    weight = Decimal(exam_weight)
    facts = programme(exam_weight=weight)
    line = outcome_lines(facts, 0, final(FINAL_DAY, weight_loss, waist_loss, exam_weight=weight))[0]
    return line.rule, line.points


@pytest.mark.parametrize(
    ("exam_weight", "weight_loss", "waist_loss", "rule", "points"),
    [
        ("85.0", "2.0", "2.0", "outcome_2cm_2kg", 180),
        ("100.0", "2.0", "2.0", "outcome_2cm_2kg", 180),  # 2 cm · 2 kg beats a 2.4 proportional target
        ("85.0", "1.9", "2.0", "outcome_1cm_1kg", 20),  # 85 × 0.024 = 2.04 > 1.9
        ("85.0", "2.0", "1.9", "outcome_1cm_1kg", 20),
        ("70.0", "1.9", "2.0", "outcome_weight_0024", 180),  # 70 × 0.024 = 1.68
        ("70.0", "1.68", "1.68", "outcome_weight_0024", 180),
        ("70.0", "1.67", "1.68", "outcome_1cm_1kg", 20),
        ("60.0", "1.44", "1.44", "outcome_weight_0024", 180),  # 60 × 0.024 = 1.44, not rounded
        ("60.0", "1.43", "1.44", "outcome_1cm_1kg", 20),
        ("60.0", "1.44", "1.43", "outcome_1cm_1kg", 20),
        ("80.0", "1.0", "1.0", "outcome_1cm_1kg", 20),
        ("80.0", "0.9", "1.0", "outcome_not_met", 0),
        ("80.0", "1.0", "0.9", "outcome_not_met", 0),
        ("80.0", "-1.0", "-1.0", "outcome_not_met", 0),  # weight gained
    ],
)
def test_waist_and_weight_outcome(exam_weight: str, weight_loss: str, waist_loss: str, rule: str, points: int) -> None:
    assert _measurement_outcome(exam_weight, weight_loss, waist_loss) == (rule, points)


def test_proportional_product_is_not_rounded() -> None:
    assert main_target_threshold(Decimal("60.0")) == Decimal("1.44")
    assert main_target_threshold(Decimal("60.5")) == Decimal("1.452")  # 1.45 would wrongly suffice
    assert _measurement_outcome("60.5", "1.45", "1.45")[1] == 20
    assert _measurement_outcome("60.5", "1.452", "1.452")[1] == 180


@given(
    exam=st.decimals(min_value=40, max_value=150, places=1),
    weight=st.decimals(min_value=-3, max_value=5, places=2),
    waist=st.decimals(min_value=-3, max_value=5, places=2),
)
def test_180_exactly_when_both_changes_reach_the_threshold(exam: Decimal, weight: Decimal, waist: Decimal) -> None:
    _, points = _measurement_outcome(str(exam), str(weight), str(waist))
    reached = min(weight, waist) >= main_target_threshold(exam)
    assert (points == 180) == reached
    assert points in (0, 20, 180)


def test_missing_final_measurements_give_no_outcome() -> None:
    incomplete = contact(ContactKind.FINAL, FINAL_DAY, weight_kg=Decimal("70"))
    (line,) = outcome_lines(programme(), 0, incomplete)
    assert (line.rule, line.points) == ("outcome_measurements_missing", 0)


ALL_SUSTAINED = {category.value: 2 for category in BehaviourCategory}


@pytest.mark.parametrize(
    ("changes", "sustained", "points"),
    [
        ({"diet"}, {"diet": 2}, 20),
        ({"exercise"}, {"exercise": 3}, 20),
        ({"smoking"}, {"smoking": 2}, 30),
        ({"rest"}, {"rest": 2}, 20),
        ({"other"}, {"other": 2}, 20),
        ({"diet"}, {"diet": 1}, 0),  # sustained < 2 months
        ({"diet"}, {}, 0),
        (set(ALL_SUSTAINED), ALL_SUSTAINED, 110),
        ({"diet", "smoking"}, {"diet": 2, "smoking": 1}, 20),
    ],
)
def test_behaviour_change_points(changes: set[str], sustained: dict[str, int], points: int) -> None:
    end = final(FINAL_DAY, behaviour_changes=frozenset(changes), behaviour_sustained_months=sustained)
    lines = [line for line in outcome_lines(programme(), 0, end) if line.rule.startswith("behaviour")]
    assert sum(line.points for line in lines) == points


def test_each_behaviour_category_counts_once() -> None:
    """Diet reported at the interim and the final evaluation still earns 20 once."""
    diet: dict[str, Any] = {"behaviour_changes": frozenset({"diet"}), "behaviour_sustained_months": {"diet": 2}}
    interim = contact(ContactKind.INTERIM, dt.date(2024, 7, 1), minutes=5, **diet)  # below minimum: 0
    result = evaluate(programme(initial(START), interim, final(FINAL_DAY, **diet)))
    assert result.outcome_points == 20
    assert [line.rule for line in result.lines].count("behaviour_diet") == 1


@pytest.mark.parametrize(
    ("form", "minutes", "rule", "points"),
    [
        (ContactForm.INDIVIDUAL_IN_PERSON, 9, "process_below_minimum", 0),
        (ContactForm.INDIVIDUAL_IN_PERSON, 10, "process_individual", 70),
        (ContactForm.INDIVIDUAL_REMOTE, 9, "process_below_minimum", 0),
        (ContactForm.INDIVIDUAL_REMOTE, 10, "process_individual", 70),
        (ContactForm.GROUP_IN_PERSON, 39, "process_below_minimum", 0),
        (ContactForm.GROUP_IN_PERSON, 40, "process_group", 70),
        (ContactForm.GROUP_REMOTE, 39, "process_below_minimum", 0),
        (ContactForm.GROUP_REMOTE, 40, "process_group", 70),
        (ContactForm.TELEPHONE, 4, "process_below_minimum", 0),
        (ContactForm.TELEPHONE, 5, "process_telephone", 30),
        (ContactForm.TELEPHONE, None, "process_below_minimum", 0),
        (ContactForm.EMAIL_CHAT, None, "process_email", 30),
    ],
)
def test_contact_minimum_minutes_at_the_boundary(
    form: ContactForm, minutes: int | None, rule: str, points: int
) -> None:
    result = evaluate(programme(initial(START), support(START + dt.timedelta(days=30), form, minutes)))
    (line,) = [line for line in result.lines if line.contact_index == 1]
    assert (line.rule, line.points) == (rule, points)
    assert result.process_points == points


@pytest.mark.parametrize(
    ("kind", "extra", "rule"),
    [
        (ContactKind.CONTINUOUS, {"automated": True, "minutes": 60}, "process_automated"),
        (ContactKind.INTERIM, {"automated": True, "minutes": 60}, "process_automated"),
        (
            ContactKind.CONTINUOUS,
            {"form": ContactForm.EMAIL_CHAT, "has_guidance_content": False},
            "process_email_no_content",
        ),
    ],
)
def test_contacts_that_earn_nothing(kind: ContactKind, extra: dict[str, Any], rule: str) -> None:
    result = evaluate(programme(initial(START), contact(kind, START + dt.timedelta(days=30), **extra)))
    assert result.process_points == 0
    assert rule in [line.rule for line in result.lines]


def test_interim_evaluation_counts_as_continuous_support() -> None:
    result = evaluate(programme(initial(START), contact(ContactKind.INTERIM, dt.date(2024, 7, 1), minutes=10)))
    assert result.process_points == 70


@pytest.mark.parametrize(
    ("days_after_exam", "rule", "bonus"),
    [
        (0, "early_interview_exam_day", 20),
        (1, "early_interview_within_week", 10),
        (7, "early_interview_within_week", 10),
        (8, "early_interview_none", 0),
    ],
)
def test_early_interview_bonus(days_after_exam: int, rule: str, bonus: int) -> None:
    result = evaluate(programme(initial(EXAM + dt.timedelta(days=days_after_exam), minutes=60)))
    assert result.process_points == bonus
    assert rule in [line.rule for line in result.lines]


def test_split_interview_bonus_uses_part_one() -> None:
    part1 = contact(ContactKind.INITIAL_PART1, EXAM)
    part2 = contact(ContactKind.INITIAL_PART2, EXAM + dt.timedelta(days=20))
    assert evaluate(programme(part1, part2)).process_points == 20


def test_initial_interview_and_final_evaluation_earn_no_contact_points() -> None:
    result = evaluate(programme(initial(START, minutes=90), final(FINAL_DAY, minutes=60)))
    assert result.process_points == 0
    assert [line.rule for line in result.lines].count("no_contact_points") == 2


def test_weight_loss_reached_at_the_initial_interview_does_not_count() -> None:
    """Only the final evaluation's values count (rules-notes §5.3, S8)."""
    at_start = initial(START, weight_kg=Decimal("77.0"), waist_cm=EXAM_WAIST - 3)
    result = evaluate(programme(at_start, final(FINAL_DAY, "0.5", "0.5")))
    assert result.outcome_points == 0
    assert not result.completed
