"""Checks on a new contact and the final-evaluation date (SPEC §5.2, §5.3, §5.5)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from guidance import codes
from guidance.codes import ContactForm, ContactKind, DropoutReason, ExclusionCause, ja_name
from guidance.contacts import ContactFacts, final_evaluation_earliest
from guidance.rules import RuleViolation, blocking, validate_contact
from tests.guidance.facts import EXAM, contact, final, initial, programme, support

START = dt.date(2024, 5, 15)


def _rules(violations: list[RuleViolation]) -> set[str]:
    return {v.rule for v in violations}


@pytest.mark.parametrize(
    ("initial_date", "earliest"),
    [
        (dt.date(2024, 5, 15), dt.date(2024, 8, 15)),
        (dt.date(2024, 11, 30), dt.date(2025, 2, 28)),
        (dt.date(2023, 11, 30), dt.date(2024, 2, 29)),  # leap year
        (dt.date(2023, 11, 29), dt.date(2024, 2, 29)),
        (dt.date(2024, 11, 29), dt.date(2025, 2, 28)),
        (dt.date(2024, 8, 31), dt.date(2024, 11, 30)),
        (dt.date(2024, 12, 31), dt.date(2025, 3, 31)),
        (dt.date(2025, 1, 31), dt.date(2025, 4, 30)),
        (dt.date(2024, 10, 1), dt.date(2025, 1, 1)),
    ],
)
def test_final_evaluation_earliest(initial_date: dt.date, earliest: dt.date) -> None:
    assert final_evaluation_earliest(initial_date) == earliest


@given(st.dates(min_value=dt.date(2008, 4, 1), max_value=dt.date(2040, 3, 31)))
def test_final_evaluation_earliest_is_three_calendar_months_later(day: dt.date) -> None:
    earliest = final_evaluation_earliest(day)
    assert (earliest.year * 12 + earliest.month) - (day.year * 12 + day.month) == 3
    assert earliest.day <= day.day
    assert 89 <= (earliest - day).days <= 92


@pytest.mark.parametrize("kind", [ContactKind.INITIAL, ContactKind.INITIAL_PART1])
@pytest.mark.parametrize(
    ("form", "refused"),
    [
        (ContactForm.INDIVIDUAL_IN_PERSON, False),
        (ContactForm.INDIVIDUAL_REMOTE, False),
        (ContactForm.GROUP_IN_PERSON, False),
        (ContactForm.GROUP_REMOTE, False),
        (ContactForm.TELEPHONE, True),
        (ContactForm.EMAIL_CHAT, True),
    ],
)
def test_initial_interview_form(kind: ContactKind, form: ContactForm, refused: bool) -> None:
    # a group interview of 8 people for 80 minutes meets its minimum (SPEC §5.2), so only the form decides here
    violations = validate_contact(programme(), contact(kind, EXAM, form, minutes=80, participants=8))
    assert ("initial_interview_form" in _rules(blocking(violations))) == refused
    assert bool(violations) == refused


@pytest.mark.parametrize(
    ("day", "refused"),
    [
        (dt.date(2024, 8, 14), True),  # 3 months minus one day
        (dt.date(2024, 8, 15), False),  # exactly 3 months
        (dt.date(2024, 9, 1), False),
    ],
)
def test_final_evaluation_three_months_after_initial(day: dt.date, refused: bool) -> None:
    violations = validate_contact(programme(initial(START)), final(day))
    assert ("final_before_three_months" in _rules(violations)) == refused
    assert bool(blocking(violations)) == refused


def test_split_interview_final_counts_from_part_one() -> None:
    part1 = contact(ContactKind.INITIAL_PART1, EXAM)
    part2 = contact(ContactKind.INITIAL_PART2, dt.date(2024, 6, 1))
    facts = programme(part1, part2)
    assert "final_before_three_months" in _rules(validate_contact(facts, final(dt.date(2024, 8, 9))))
    assert validate_contact(facts, final(dt.date(2024, 8, 10))) == []


def test_month_end_final_evaluation() -> None:
    facts = programme(initial(dt.date(2024, 11, 30)), today=dt.date(2025, 6, 1))
    assert "final_before_three_months" in _rules(validate_contact(facts, final(dt.date(2025, 2, 27))))
    assert validate_contact(facts, final(dt.date(2025, 2, 28))) == []


@pytest.mark.parametrize(
    ("changes", "rule", "field"),
    [
        ({"weight_kg": None}, "final_requires_measurements", "weight_kg"),
        ({"waist_cm": None}, "final_requires_measurements", "waist_cm"),
        ({"measurements_self_declared": True}, "final_measurements_self_declared", "measurements_self_declared"),
        (
            {"behaviour_changes": ({"category": "sleep", "since": dt.date(2024, 6, 1)},)},
            "behaviour_category_unknown",
            "behaviour_changes",
        ),
    ],
)
def test_final_evaluation_content(changes: dict[str, Any], rule: str, field: str) -> None:
    end = final(dt.date(2024, 9, 1))
    end = contact(  # rebuild with the change applied
        ContactKind.FINAL,
        end.date,
        **{"weight_kg": end.weight_kg, "waist_cm": end.waist_cm, **changes},
    )
    (violation,) = validate_contact(programme(initial(START)), end)
    assert (violation.rule, violation.field, violation.blocking) == (rule, field, True)


@pytest.mark.parametrize(
    ("facts_kwargs", "new", "rule"),
    [
        ({}, support(dt.date(2024, 6, 1)), "contact_before_initial"),
        ({}, final(dt.date(2024, 9, 1)), "contact_before_initial"),
        ({"contacts": (initial(START),)}, support(dt.date(2024, 5, 14)), "contact_before_initial"),
        ({"contacts": (initial(START),)}, initial(dt.date(2024, 5, 20)), "duplicate_initial"),
        ({"contacts": (initial(START),)}, contact(ContactKind.INITIAL_PART2, START), "duplicate_initial"),
        ({}, contact(ContactKind.INITIAL_PART2, START), "initial_part2_without_part1"),
        ({}, contact(ContactKind.INITIAL_PART1, START), "initial_part1_not_on_exam_day"),
        ({}, initial(dt.date(2024, 5, 9)), "date_before_exam"),
        ({}, initial(dt.date(2025, 4, 1)), "date_in_future"),
        ({}, initial(START, automated=True), "initial_interview_automated"),
        ({"contacts": (initial(START),)}, support(dt.date(2024, 6, 1), minutes=None), "minutes_required"),
        ({"contacts": (initial(START),)}, support(dt.date(2024, 6, 1), minutes=-1), "minutes_invalid"),
        (
            {"contacts": (contact(ContactKind.INITIAL_PART1, EXAM),)},
            final(dt.date(2024, 9, 1)),
            "final_before_initial_completed",
        ),
        (
            {"contacts": (initial(START),), "dropped_out_on": dt.date(2024, 6, 1)},
            support(dt.date(2024, 6, 2)),
            "contact_after_dropout",
        ),
        (
            {"contacts": (initial(START),), "excluded_cause": ExclusionCause.MEDICATION_AFTER_CHECKUP},
            support(dt.date(2024, 6, 2)),
            "programme_excluded",
        ),
        (
            {"contacts": (initial(START), final(dt.date(2024, 9, 1), "2", "2"))},
            final(dt.date(2024, 9, 2), "3", "3"),
            "duplicate_final",
        ),
        (
            {"contacts": (initial(START), final(dt.date(2024, 9, 1), "2", "2"))},
            support(dt.date(2024, 9, 2)),
            "contact_after_completion",
        ),
    ],
)
def test_refused_contacts(facts_kwargs: dict[str, Any], new: Any, rule: str) -> None:
    kwargs = dict(facts_kwargs)
    existing = kwargs.pop("contacts", ())
    violations = validate_contact(programme(*existing, **kwargs), new)
    assert rule in _rules(blocking(violations))
    assert all(v.spec.startswith("SPEC §5") and v.message_ja and v.message_en for v in violations)


def test_second_final_allowed_after_one_that_fell_short() -> None:
    """積極的支援 below 180 at the final evaluation continues support and is evaluated again."""
    facts = programme(initial(START), final(dt.date(2024, 9, 1), "1", "1"), support(dt.date(2024, 9, 10)))
    assert validate_contact(facts, final(dt.date(2024, 10, 1), "2", "2")) == []


def test_part_two_after_part_one_accepted() -> None:
    facts = programme(contact(ContactKind.INITIAL_PART1, EXAM))
    assert validate_contact(facts, contact(ContactKind.INITIAL_PART2, dt.date(2024, 5, 20))) == []


@pytest.mark.parametrize(
    ("form", "minutes", "warned"),
    [
        (ContactForm.INDIVIDUAL_IN_PERSON, 9, True),
        (ContactForm.INDIVIDUAL_IN_PERSON, 10, False),
        (ContactForm.GROUP_REMOTE, 39, True),
        (ContactForm.GROUP_REMOTE, 40, False),
        (ContactForm.TELEPHONE, 4, True),
        (ContactForm.TELEPHONE, 5, False),
    ],
)
def test_short_contact_is_accepted_with_a_warning(form: ContactForm, minutes: int, warned: bool) -> None:
    violations = validate_contact(programme(initial(START)), support(dt.date(2024, 6, 1), form, minutes))
    assert blocking(violations) == []
    assert ("minimum_minutes" in _rules(violations)) == warned


@pytest.mark.parametrize(
    ("new", "rule"),
    [
        (support(dt.date(2024, 6, 1), automated=True), "automated_contact_no_points"),
        (
            support(dt.date(2024, 6, 1), ContactForm.EMAIL_CHAT, None, has_guidance_content=False),
            "email_without_guidance_content",
        ),
    ],
)
def test_contacts_earning_nothing_are_accepted(new: ContactFacts, rule: str) -> None:
    (violation,) = validate_contact(programme(initial(START)), new)
    assert (violation.rule, violation.blocking) == (rule, False)


def test_float_measurements_become_decimal() -> None:
    assert contact(ContactKind.FINAL, START, weight_kg=70.1).weight_kg == Decimal("70.1")


@pytest.mark.parametrize(
    "enum",
    [
        codes.ContactKind,
        codes.ContactForm,
        codes.ProgrammeLevel,
        codes.ProgrammeStatus,
        codes.BehaviourCategory,
        DropoutReason,
        ExclusionCause,
    ],
)
def test_plain_japanese_names_match_the_labels(enum: type[codes.models.Choices]) -> None:
    with translation.override("ja"):
        assert {member: ja_name(member) for member in enum} == {member: str(member.label) for member in enum}
