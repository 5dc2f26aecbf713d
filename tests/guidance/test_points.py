"""Outcome and process points of 積極的支援 (SPEC §5.5)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guidance.behaviour import counts_from, sustained
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


TWO_MONTHS = dt.date(2024, 6, 18)  # exactly 2 whole months before FINAL_DAY (SPEC §5.5 ◆, guidance.behaviour)
SHORT = dt.date(2024, 6, 19)  # 2 months minus a day
ALL_KEPT = {category.value: TWO_MONTHS for category in BehaviourCategory}


@pytest.mark.parametrize(
    ("since", "points"),
    [
        ({"diet": TWO_MONTHS}, 20),
        ({"exercise": dt.date(2024, 5, 20)}, 20),
        ({"smoking": TWO_MONTHS}, 30),
        ({"rest": TWO_MONTHS}, 20),
        ({"other": TWO_MONTHS}, 20),
        ({"diet": SHORT}, 0),  # 2 months minus a day
        ({"diet": None}, 0),  # no start date
        (ALL_KEPT, 110),
        ({"diet": TWO_MONTHS, "smoking": SHORT}, 20),
    ],
)
def test_behaviour_change_points(since: dict[str, dt.date | None], points: int) -> None:
    changes = tuple({"category": category, "since": day} for category, day in since.items())
    end = final(FINAL_DAY, behaviour_changes=changes)
    lines = [line for line in outcome_lines(programme(), 0, end) if line.rule.startswith("behaviour")]
    assert sum(line.points for line in lines) == points
    assert len(lines) == len(since)  # every category sent gets a line, earning or saying why not


@pytest.mark.parametrize(
    ("change", "rule", "points"),
    [
        ("diet", "behaviour_no_start_date", 0),  # a bare category string (SPEC §5.5: earns nothing)
        ({"category": "diet", "since": None}, "behaviour_no_start_date", 0),
        ({"category": "diet", "since": SHORT}, "behaviour_not_sustained", 0),
        ({"category": "diet", "since": TWO_MONTHS}, "behaviour_diet", 20),
    ],
)
def test_behaviour_line_says_why(change: object, rule: str, points: int) -> None:
    (line,) = outcome_lines(programme(), 0, final(FINAL_DAY, behaviour_changes=(change,)))[1:]
    assert (line.rule, line.points) == (rule, points)
    assert line.detail_ja and line.detail_en


@pytest.mark.parametrize(
    ("since", "final_on", "counts"),
    [
        (dt.date(2025, 10, 10), dt.date(2025, 12, 9), False),  # 2 months minus a day
        (dt.date(2025, 10, 10), dt.date(2025, 12, 10), True),  # exactly 2 months
        (dt.date(2025, 12, 31), dt.date(2026, 2, 27), False),  # month end: Feb 28 is the day (SPEC §5.3 ◆)
        (dt.date(2025, 12, 31), dt.date(2026, 2, 28), True),
        (dt.date(2023, 12, 31), dt.date(2024, 2, 29), True),  # leap year
        (dt.date(2025, 1, 31), dt.date(2025, 3, 30), False),
        (dt.date(2025, 1, 31), dt.date(2025, 3, 31), True),
    ],
)
def test_two_whole_months(since: dt.date, final_on: dt.date, counts: bool) -> None:
    assert sustained(since, final_on) is counts
    assert (counts_from(since) <= final_on) is counts


def test_each_behaviour_category_counts_once() -> None:
    """Diet reported twice at the final evaluation still earns 20 once, counted from the earlier start."""
    diet: dict[str, Any] = {
        "behaviour_changes": ({"category": "diet", "since": SHORT}, {"category": "diet", "since": TWO_MONTHS})
    }
    result = evaluate(programme(initial(START), final(FINAL_DAY, **diet)))
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
