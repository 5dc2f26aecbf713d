"""Guidance rules of round 2 (issue #15), pure and table-driven at every boundary: initial-interview minimums,
group size, the action plan, behaviour start dates, measurement ranges, duplicates, level changes (SPEC §5)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from guidance.action_plan import ActionPlan, action_plan_problems
from guidance.codes import ContactForm, ContactKind, ProgrammeLevel, ProgrammeStatus
from guidance.completion import evaluate
from guidance.levels import pending_level_change, pending_level_loss
from guidance.rules import RuleViolation, blocking, validate_contact
from tests.guidance.facts import EXAM, PLAN, contact, final, initial, programme, support

START = dt.date(2024, 5, 18)
FINAL_DAY = dt.date(2024, 8, 20)
IND, IND_REMOTE, GROUP, GROUP_REMOTE = (
    ContactForm.INDIVIDUAL_IN_PERSON,
    ContactForm.INDIVIDUAL_REMOTE,
    ContactForm.GROUP_IN_PERSON,
    ContactForm.GROUP_REMOTE,
)


def _blocking_rules(violations: list[RuleViolation]) -> set[str]:
    return {v.rule for v in blocking(violations)}


@pytest.mark.parametrize(
    ("form", "minutes", "participants", "refused"),
    [
        (IND, 19, None, "initial_interview_too_short"),
        (IND, 20, None, None),
        (IND_REMOTE, 19, None, "initial_interview_too_short"),  # remote the same as face-to-face (SPEC §5.2)
        (IND_REMOTE, 20, None, None),
        (GROUP, 79, 8, "initial_interview_too_short"),
        (GROUP, 80, 8, None),
        (GROUP_REMOTE, 79, 8, "initial_interview_too_short"),
        (GROUP_REMOTE, 80, 8, None),
        (GROUP, 80, 9, "initial_group_too_large"),
        (GROUP_REMOTE, 80, 9, "initial_group_too_large"),
        (GROUP, 80, 1, None),
        (GROUP, 80, None, "group_participants_required"),
        (GROUP, 80, 0, "participants_invalid"),
        (IND, None, None, "minutes_required"),
    ],
)
def test_initial_interview_minimums(form: ContactForm, minutes: int | None, participants: int | None, refused) -> None:
    new = initial(START, form=form, minutes=minutes, participants=participants)
    violations = validate_contact(programme(), new)
    assert _blocking_rules(violations) == ({refused} if refused else set())


def test_a_short_interview_names_the_minutes_sent_and_the_minimum() -> None:
    (violation,) = blocking(validate_contact(programme(), initial(START, form=GROUP, minutes=79, participants=8)))
    assert (violation.field, violation.value, violation.spec) == ("minutes", 79, "SPEC §5.2")
    assert "79" in violation.message_ja and "80" in violation.message_ja
    assert violation.message_en == "The initial interview lasted 79 min, below the minimum of 80 min"


@pytest.mark.parametrize(
    ("part1", "part2", "refused"),
    [
        ((IND, 10), (IND, 9), True),  # ① + ② = 19 < 20
        ((IND, 10), (IND, 10), False),  # ① + ② = 20
        ((IND, 1), (IND_REMOTE, 19), False),
        ((GROUP, 40), (GROUP, 39), True),  # 79 < 80
        ((GROUP, 40), (GROUP, 40), False),
        ((GROUP, 60), (IND, 19), True),  # a part in a group: the group minimum applies ◆
        ((IND, 15), (GROUP, 65), False),
    ],
)
def test_split_interview_parts_together_meet_the_minimum(part1, part2, refused: bool) -> None:
    """SPEC §5.2: for a split interview, ① and ② together meet the minimum; ① alone is never refused as short."""
    (form1, minutes1), (form2, minutes2) = part1, part2
    first = contact(ContactKind.INITIAL_PART1, EXAM, form1, minutes1, participants=6, action_plan=PLAN)
    assert not blocking(validate_contact(programme(), first))
    second = contact(ContactKind.INITIAL_PART2, dt.date(2024, 5, 20), form2, minutes2, participants=6)
    rules = _blocking_rules(validate_contact(programme(first), second))
    assert ("initial_interview_too_short" in rules) is refused
    if refused:
        (violation,) = blocking(validate_contact(programme(first), second))
        assert str(minutes1 + minutes2) in violation.message_en


# ---------------------------------------------------------------- the action plan (SPEC §5.2)


@pytest.mark.parametrize(
    ("plan", "level", "problems"),
    [
        (None, ProgrammeLevel.MOTIVATIONAL, ["action_plan_no_goal"]),
        (ActionPlan(goals=("毎日歩く",)), ProgrammeLevel.MOTIVATIONAL, []),
        (ActionPlan(goals=("毎日歩く",)), ProgrammeLevel.MOTIVATIONAL_EQUIVALENT, []),
        (ActionPlan(goals=("毎日歩く",)), ProgrammeLevel.INTENSIVE, ["action_plan_no_support_plan"]),
        (ActionPlan(goals=("  ",), support_plan="月1回"), ProgrammeLevel.INTENSIVE, ["action_plan_no_goal"]),
        (ActionPlan(goals=("毎日歩く",), support_plan="月1回"), ProgrammeLevel.INTENSIVE, []),
        (None, ProgrammeLevel.INTENSIVE, ["action_plan_no_goal", "action_plan_no_support_plan"]),
    ],
)
def test_action_plan_rule(plan: ActionPlan | None, level: ProgrammeLevel, problems: list[str]) -> None:
    assert action_plan_problems(plan, level) == problems


@pytest.mark.parametrize("level", [ProgrammeLevel.INTENSIVE, ProgrammeLevel.MOTIVATIONAL])
def test_a_programme_without_an_action_plan_cannot_complete_and_says_so(level: ProgrammeLevel) -> None:
    facts = programme(initial(START, action_plan=None), final(FINAL_DAY, "3", "3"), level=level)
    result = evaluate(facts)
    assert (result.status, result.completed) == (ProgrammeStatus.IN_PROGRESS, False)
    assert result.next_action.code == "action_plan_missing"
    (line,) = [line for line in result.lines if line.rule == "action_plan_missing"]
    assert line.spec == "SPEC §5.2" and "行動計画" in line.detail_ja
    with_plan = evaluate(programme(initial(START), final(FINAL_DAY, "3", "3"), level=level))
    assert (with_plan.status, with_plan.completed_on) == (ProgrammeStatus.COMPLETED, FINAL_DAY)


def test_the_plan_set_at_part_two_counts() -> None:
    part1 = contact(ContactKind.INITIAL_PART1, EXAM, minutes=10)
    part2 = contact(ContactKind.INITIAL_PART2, dt.date(2024, 5, 20), minutes=10, action_plan=PLAN)
    result = evaluate(programme(part1, part2, final(dt.date(2024, 8, 12), "3", "3"), today=dt.date(2024, 9, 1)))
    assert result.completed


@pytest.mark.parametrize(
    ("new", "rule", "field"),
    [
        (
            initial(START, action_plan=ActionPlan(goals=(), support_plan="月1回")),
            "action_plan_no_goal",
            "action_plan.goals",
        ),
        (
            initial(START, action_plan=ActionPlan(goals=("毎日歩く",))),
            "action_plan_no_support_plan",
            "action_plan.support_plan",
        ),
    ],
)
def test_an_incomplete_plan_at_the_initial_interview_is_refused(new, rule: str, field: str) -> None:
    (violation,) = blocking(validate_contact(programme(), new))
    assert (violation.rule, violation.field) == (rule, field)


def test_a_plan_outside_the_initial_interview_is_refused() -> None:
    new = support(dt.date(2024, 6, 20), action_plan=PLAN)
    assert _blocking_rules(validate_contact(programme(initial(START)), new)) == {"action_plan_not_at_initial"}


def test_motivational_plan_needs_no_support_plan() -> None:
    new = initial(START, action_plan=ActionPlan(goals=("毎日歩く",)))
    assert not blocking(validate_contact(programme(level=ProgrammeLevel.MOTIVATIONAL), new))


# ---------------------------------------------------------------- behaviour start dates (SPEC §5.5)


@pytest.mark.parametrize(
    ("since", "rule", "is_blocking"),
    [
        (None, "behaviour_without_start_date", False),
        (dt.date(2024, 6, 21), "behaviour_not_sustained", False),  # 2 months minus a day before 08-20
        (dt.date(2024, 6, 20), None, None),  # exactly 2 months
        (dt.date(2024, 8, 21), "behaviour_since_after_final", True),
        (EXAM - dt.timedelta(days=1), "behaviour_since_before_exam", True),
        (EXAM, None, None),
    ],
)
def test_behaviour_start_date_checks(since: dt.date | None, rule: str | None, is_blocking: bool | None) -> None:
    end = final(FINAL_DAY, "1", "1", behaviour_changes=({"category": "diet", "since": since},))
    violations = [v for v in validate_contact(programme(initial(START)), end) if v.rule.startswith("behaviour")]
    assert [(v.rule, v.blocking) for v in violations] == ([(rule, is_blocking)] if rule else [])


@pytest.mark.parametrize(("since", "points"), [(dt.date(2024, 6, 21), 0), (dt.date(2024, 6, 20), 20)])
def test_behaviour_two_whole_months_before_the_final(since: dt.date, points: int) -> None:
    end = final(FINAL_DAY, "0", "0", behaviour_changes=({"category": "exercise", "since": since},))
    result = evaluate(programme(initial(START), end))
    assert result.outcome_points == points


# ---------------------------------------------------------------- measurements and duplicates (SPEC §5.8)


@pytest.mark.parametrize(
    ("field", "value", "refused"),
    [
        ("weight_kg", "19.9", True),
        ("weight_kg", "20.0", False),
        ("weight_kg", "300.0", False),
        ("weight_kg", "300.1", True),
        ("waist_cm", "39.9", True),
        ("waist_cm", "40.0", False),
        ("waist_cm", "250.0", False),
        ("waist_cm", "250.1", True),
        ("waist_cm", "999", True),  # completed a programme on main
        ("systolic_mmhg", "49", True),
        ("systolic_mmhg", "50", False),
        ("systolic_mmhg", "300", False),
        ("systolic_mmhg", "301", True),
        ("diastolic_mmhg", "29", True),
        ("diastolic_mmhg", "30", False),
        ("diastolic_mmhg", "200", False),
        ("diastolic_mmhg", "201", True),
    ],
)
def test_measurement_ranges_at_the_limits(field: str, value: str, refused: bool) -> None:
    measured: dict[str, Any] = {field: Decimal(value)}
    new = contact(ContactKind.CONTINUOUS, dt.date(2024, 6, 20), **measured)
    violations = blocking(validate_contact(programme(initial(START)), new))
    assert [(v.rule, v.field, v.value) for v in violations] == (
        [("measurement_out_of_range", field, value)] if refused else []
    )


def test_final_waist_of_999_cannot_complete() -> None:
    end = final(FINAL_DAY, "2", "0")
    end = contact(ContactKind.FINAL, FINAL_DAY, weight_kg=end.weight_kg, waist_cm=Decimal("999"))
    assert "measurement_out_of_range" in _blocking_rules(validate_contact(programme(initial(START)), end))


@pytest.mark.parametrize(
    ("recorded", "new", "duplicate"),
    [
        (support(dt.date(2024, 6, 20)), support(dt.date(2024, 6, 20)), True),
        (support(dt.date(2024, 6, 20)), support(dt.date(2024, 6, 20), minutes=45), True),  # same date/kind/form
        (support(dt.date(2024, 6, 20)), support(dt.date(2024, 6, 21)), False),
        (support(dt.date(2024, 6, 20)), support(dt.date(2024, 6, 20), form=ContactForm.TELEPHONE), False),
        (
            support(dt.date(2024, 6, 20)),
            contact(ContactKind.INTERIM, dt.date(2024, 6, 20)),
            False,
        ),
    ],
)
def test_an_identical_contact_is_refused(recorded, new, duplicate: bool) -> None:
    rules = _blocking_rules(validate_contact(programme(initial(START), recorded), new))
    assert ("duplicate_contact" in rules) is duplicate


def test_a_duplicate_no_longer_counts_twice() -> None:
    """On main the same contact sent twice earned 70 twice; now the second is refused before it is stored."""
    twice = programme(initial(START), support(dt.date(2024, 6, 20)))
    assert "duplicate_contact" in _blocking_rules(validate_contact(twice, support(dt.date(2024, 6, 20))))


# ---------------------------------------------------------------- level change of a started programme (SPEC §5.6)


@pytest.mark.parametrize(
    ("current", "checkup_level", "equivalent", "started", "decided_for", "pending"),
    [
        (1, 2, False, True, None, ProgrammeLevel.MOTIVATIONAL),
        (2, 1, False, True, None, ProgrammeLevel.INTENSIVE),
        (1, 2, False, False, None, None),  # not started: the sync re-levels it
        (1, 1, False, True, None, None),
        (1, 2, False, True, 2, None),  # decided on this checkup level
        (1, 1, False, True, 2, None),
        (2, 1, False, True, 2, ProgrammeLevel.INTENSIVE),  # corrected again: ask again
        (3, 1, True, True, None, None),  # 動機付け支援相当 stays while allowed (SPEC §2.8)
        (3, 1, False, True, None, ProgrammeLevel.INTENSIVE),
        (1, 3, False, True, None, None),  # no longer a guidance level: pending_level_loss
    ],
)
def test_pending_level_change(current, checkup_level, equivalent, started, decided_for, pending) -> None:
    assert (
        pending_level_change(
            current=current,
            checkup_level=checkup_level,
            equivalent_allowed=equivalent,
            started=started,
            decided_for=decided_for,
        )
        == pending
    )


@pytest.mark.parametrize(
    ("checkup_level", "started", "decided_for", "pending"),
    [
        (3, True, None, True),  # 情報提供: staff keep the programme or end it (SPEC §5.6)
        (4, True, None, True),  # 判定不能
        (3, False, None, False),  # not started: the sync removes it
        (3, True, 3, False),  # decided on this checkup level
        (4, True, 3, True),  # corrected again: ask again
        (1, True, None, False),  # a guidance level: pending_level_change
        (2, True, None, False),
        (None, True, None, False),  # not judged yet
    ],
)
def test_pending_level_loss(checkup_level, started, decided_for, pending) -> None:
    assert pending_level_loss(checkup_level=checkup_level, started=started, decided_for=decided_for) == pending


def test_a_pending_level_loss_is_the_next_action() -> None:
    result = evaluate(programme(initial(START), pending_level_loss=True))
    assert result.next_action.code == "level_decision_required"
    assert "途中終了" in result.next_action.message_ja and "drop-out" in result.next_action.message_en


def test_a_pending_level_change_is_the_next_action() -> None:
    result = evaluate(programme(initial(START), pending_level=ProgrammeLevel.MOTIVATIONAL))
    assert result.next_action.code == "level_decision_required"
    assert "動機付け支援" in result.next_action.message_ja
