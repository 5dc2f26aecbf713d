"""Completion, status and next action of a programme (SPEC §5.4–§5.7)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidance.behaviour import BehaviourChange
from guidance.codes import (
    BehaviourCategory,
    ContactForm,
    ContactKind,
    DropoutReason,
    ExclusionCause,
    ProgrammeLevel,
    ProgrammeStatus,
)
from guidance.completion import evaluate, intensive_points_complete
from guidance.contacts import ContactFacts
from tests.guidance.facts import EXAM, PLAN, contact, final, initial, programme, support

START = dt.date(2024, 5, 18)  # 8 days after the exam: no early bonus
FINAL_DAY = dt.date(2024, 8, 20)
PHONE = ContactForm.TELEPHONE


@pytest.mark.parametrize(("total", "complete"), [(0, False), (179, False), (180, True), (250, True)])
def test_intensive_completion_threshold(total: int, complete: bool) -> None:
    assert intensive_points_complete(total) is complete


def test_two_cm_two_kg_alone_completes_intensive() -> None:
    result = evaluate(programme(initial(START), final(FINAL_DAY, "2.0", "2.0")))
    assert (result.outcome_points, result.process_points, result.total_points) == (180, 0, 180)
    assert result.completed
    assert result.status == ProgrammeStatus.COMPLETED
    assert result.completed_on == FINAL_DAY
    assert result.missing_points == 0


@pytest.mark.parametrize(
    ("start", "total", "completed"),
    [
        (EXAM + dt.timedelta(days=3), 180, True),  # +10 bonus + 70 + 70 + 30
        (START, 170, False),  # 170: points are multiples of 10, so 179 cannot occur; 170 is the nearest miss
    ],
)
def test_points_at_the_threshold(start: dt.date, total: int, completed: bool) -> None:
    contacts = (
        initial(start),
        support(dt.date(2024, 6, 1)),
        support(dt.date(2024, 7, 1)),
        support(dt.date(2024, 7, 15), PHONE, 5),
        final(FINAL_DAY),
    )
    result = evaluate(programme(*contacts, today=FINAL_DAY))
    assert (result.total_points, result.completed) == (total, completed)
    assert result.total_points == sum(line.points for line in result.lines)
    if not completed:
        assert result.status == ProgrammeStatus.IN_PROGRESS
        assert result.missing_points == 10
        assert result.next_action.code == "points_below_180"
        assert result.hint_en is not None
        assert "10 points missing" in result.hint_en


def test_support_after_a_short_final_counts_towards_the_next_one() -> None:
    first = final(FINAL_DAY, "1", "1")  # 20
    contacts = (
        initial(START),
        support(dt.date(2024, 6, 1)),
        first,
        support(dt.date(2024, 9, 1)),
        support(dt.date(2024, 9, 20)),
    )
    short = evaluate(programme(*contacts, today=dt.date(2024, 9, 25)))
    assert (short.total_points, short.completed, short.next_action.code) == (230, False, "final_evaluation_due")
    done = evaluate(programme(*contacts, final(dt.date(2024, 10, 1), "1", "1")))
    assert done.completed
    assert done.completed_on == dt.date(2024, 10, 1)


@pytest.mark.parametrize("level", [ProgrammeLevel.MOTIVATIONAL, ProgrammeLevel.MOTIVATIONAL_EQUIVALENT])
def test_motivational_complete_with_interview_and_final_only(level: ProgrammeLevel) -> None:
    result = evaluate(programme(initial(START), final(FINAL_DAY), level=level))
    assert result.status == ProgrammeStatus.COMPLETED
    assert (result.completed, result.total_points, result.missing_points, result.hint_en) == (True, 0, 0, None)
    assert "SPEC §5.4" in result.decision_en


@pytest.mark.parametrize(
    "end",
    [
        final(dt.date(2024, 8, 17)),  # before START + 3 months
        contact(ContactKind.FINAL, FINAL_DAY),  # no measurements
        final(FINAL_DAY, measurements_self_declared=True),
    ],
)
def test_unusable_final_does_not_complete(end: ContactFacts) -> None:
    result = evaluate(programme(initial(START), end, level=ProgrammeLevel.MOTIVATIONAL))
    assert (result.completed, result.status) == (False, ProgrammeStatus.IN_PROGRESS)
    assert "final_evaluation_unusable" in [line.rule for line in result.lines]


def test_split_interview_with_only_part_one_is_initial_incomplete() -> None:
    part1 = contact(ContactKind.INITIAL_PART1, EXAM)
    result = evaluate(programme(part1, today=dt.date(2024, 6, 1)))
    assert result.status == ProgrammeStatus.INITIAL_INCOMPLETE
    assert result.next_action.code == "initial_interview_part2_pending"
    both = evaluate(
        programme(part1, contact(ContactKind.INITIAL_PART2, dt.date(2024, 5, 25)), today=dt.date(2024, 6, 1))
    )
    assert both.status == ProgrammeStatus.IN_PROGRESS
    assert both.final_evaluation_earliest == dt.date(2024, 8, 10)


def test_not_started() -> None:
    result = evaluate(programme())
    assert result.status == ProgrammeStatus.NOT_STARTED
    assert result.next_action.code == "initial_interview_not_held"


def test_dropout() -> None:
    facts = programme(
        initial(START),
        support(dt.date(2024, 6, 1)),
        support(dt.date(2024, 7, 1)),  # after dropout: not counted
        dropped_out_on=dt.date(2024, 6, 15),
        dropout_reason=DropoutReason.LOST_ELIGIBILITY,
    )
    result = evaluate(facts)
    assert (result.completed, result.status) == (False, ProgrammeStatus.DROPPED_OUT)
    assert result.process_points == 70
    assert "資格喪失" in result.decision_ja
    assert result.next_action.code == "none"


@pytest.mark.parametrize("cause", list(ExclusionCause))
def test_medication_excludes_even_a_completed_programme(cause: ExclusionCause) -> None:
    result = evaluate(programme(initial(START), final(FINAL_DAY, "2", "2"), excluded_cause=cause))
    assert result.status == ProgrammeStatus.EXCLUDED
    assert (result.completed, result.completed_on) == (False, None)


@pytest.mark.parametrize(
    ("today", "code", "due_on", "overdue"),
    [
        (dt.date(2024, 7, 31), "final_evaluation_due", dt.date(2024, 8, 18), False),  # 60 days after 6/1
        (dt.date(2024, 8, 1), "contact_overdue", dt.date(2024, 7, 31), True),
    ],
)
def test_contact_overdue_after_60_days(today: dt.date, code: str, due_on: dt.date, overdue: bool) -> None:
    automated = support(dt.date(2024, 7, 20), automated=True)  # an automated message is no contact
    result = evaluate(programme(initial(START), support(dt.date(2024, 6, 1)), automated, today=today))
    assert (result.next_action.code, result.next_action.due_on, result.next_action.overdue) == (code, due_on, overdue)


@pytest.mark.parametrize(
    ("today", "code", "overdue"),
    [(dt.date(2024, 8, 18), "final_evaluation_due", False), (dt.date(2024, 8, 19), "final_evaluation_overdue", True)],
)
def test_final_evaluation_due_and_overdue(today: dt.date, code: str, overdue: bool) -> None:
    result = evaluate(programme(initial(START), support(dt.date(2024, 8, 1)), today=today))
    assert (result.next_action.code, result.next_action.due_on, result.next_action.overdue) == (
        code,
        dt.date(2024, 8, 18),
        overdue,
    )


CONTACT_KINDS = st.sampled_from(list(ContactKind))


@st.composite
def contacts(draw: st.DrawFn) -> ContactFacts:
    categories = draw(st.frozensets(st.sampled_from(BehaviourCategory.values)))
    since = st.none() | st.dates(min_value=EXAM, max_value=dt.date(2025, 3, 1))
    return ContactFacts(
        kind=draw(st.sampled_from(list(ContactKind))),
        form=draw(st.sampled_from(list(ContactForm))),
        date=draw(st.dates(min_value=EXAM - dt.timedelta(days=3), max_value=dt.date(2025, 3, 1))),
        minutes=draw(st.none() | st.integers(0, 90)),
        automated=draw(st.booleans()),
        weight_kg=draw(st.none() | st.decimals(74, 80, places=1)),
        waist_cm=draw(st.none() | st.decimals(90, 95, places=1)),
        behaviour_changes=tuple(BehaviourChange(c, draw(since)) for c in categories),
        participants=draw(st.none() | st.integers(1, 10)),
        action_plan=draw(st.none() | st.just(PLAN)),
    )


@settings(max_examples=300)
@given(items=st.lists(contacts(), max_size=8), level=st.sampled_from(list(ProgrammeLevel)))
def test_evaluation_invariants(items: list[ContactFacts], level: ProgrammeLevel) -> None:
    result = evaluate(programme(*items, level=level))
    assert result.total_points == result.outcome_points + result.process_points
    assert result.total_points == sum(line.points for line in result.lines)
    assert result.completed == (result.status == ProgrammeStatus.COMPLETED)
    if result.completed:
        assert result.completed_on is not None
        assert result.completed_on == result.final_evaluation_on
        assert level != ProgrammeLevel.INTENSIVE or result.total_points >= 180
    if level == ProgrammeLevel.INTENSIVE:
        assert result.missing_points == max(0, 180 - result.total_points)
    else:
        assert result.missing_points == 0
