"""Initial-interview minimums (初回面接の実施時間・人数, SPEC §5.2 ◆). Pure, table-driven.

Both levels, remote the same as face-to-face: individual ≥ 20 minutes; group ≥ 80 minutes with at most 8 people.
A split interview (① on the exam day, ② once all results are in) meets the minimum with ① + ② together.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from guidance.codes import ContactForm

INDIVIDUAL_INITIAL_MINUTES = 20  # SPEC §5.2 ◆
GROUP_INITIAL_MINUTES = 80  # SPEC §5.2 ◆
GROUP_INITIAL_MAX_PEOPLE = 8  # SPEC §5.2 ◆
GROUP_FORMS = frozenset({ContactForm.GROUP_IN_PERSON, ContactForm.GROUP_REMOTE})
# SPEC §5.2: form → minimum minutes of an initial interview (telephone and email are refused before this applies)
INITIAL_MINIMUM_MINUTES: dict[ContactForm, int] = {
    ContactForm.INDIVIDUAL_IN_PERSON: INDIVIDUAL_INITIAL_MINUTES,
    ContactForm.INDIVIDUAL_REMOTE: INDIVIDUAL_INITIAL_MINUTES,
    ContactForm.GROUP_IN_PERSON: GROUP_INITIAL_MINUTES,
    ContactForm.GROUP_REMOTE: GROUP_INITIAL_MINUTES,
}


@dataclass(frozen=True)
class InterviewPart:
    """One initial-interview contact (the whole interview, ① or ②) as the minimum rule reads it."""

    form: ContactForm
    minutes: int


def initial_minimum(forms: Iterable[ContactForm]) -> int:
    """The minimum for an interview held in these forms: a split one mixing individual and group parts must meet
    the stricter (group) minimum ◆ (SPEC §5.2 names one minimum per interview, not per part)."""
    return max((INITIAL_MINIMUM_MINUTES.get(ContactForm(form), 0) for form in forms), default=0)


def initial_minutes_short(parts: Iterable[InterviewPart]) -> tuple[int, int] | None:
    """(minutes held, minimum) when the interview made of `parts` is shorter than its minimum, else None."""
    parts = list(parts)
    held = sum(part.minutes for part in parts)
    minimum = initial_minimum(part.form for part in parts)
    return (held, minimum) if held < minimum else None


def group_too_large(form: ContactForm, participants: int | None) -> bool:
    """A group initial interview holds at most 8 people (SPEC §5.2 ◆)."""
    return ContactForm(form) in GROUP_FORMS and participants is not None and participants > GROUP_INITIAL_MAX_PEOPLE
