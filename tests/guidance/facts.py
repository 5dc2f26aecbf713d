"""Builders for guidance facts used by the guidance rule tests."""

import datetime as dt
from decimal import Decimal
from typing import Any

from guidance.action_plan import ActionPlan
from guidance.codes import ContactForm, ContactKind, ProgrammeLevel
from guidance.contacts import ContactFacts, ProgrammeFacts

EXAM = dt.date(2024, 5, 10)
EXAM_WEIGHT = Decimal("80.0")
EXAM_WAIST = Decimal("95.0")
LATE = dt.timedelta(days=8)  # an initial interview 8 days after the exam earns no early bonus (SPEC §5.5)
# The action plan set at the initial interview (SPEC §5.2); complete for both levels
PLAN = ActionPlan(goals=("毎日30分歩く",), support_plan="月1回の個別支援と2週ごとのメール")


def contact(
    kind: ContactKind,
    day: dt.date,
    form: ContactForm = ContactForm.INDIVIDUAL_IN_PERSON,
    minutes: int | None = 30,
    **kwargs: Any,
) -> ContactFacts:
    return ContactFacts(kind=kind, form=form, date=day, minutes=minutes, **kwargs)


def initial(day: dt.date = EXAM + LATE, **kwargs: Any) -> ContactFacts:
    """An initial interview with the action plan (SPEC §5.2); pass action_plan=None for one without."""
    kwargs.setdefault("action_plan", PLAN)
    return contact(ContactKind.INITIAL, day, **kwargs)


def support(
    day: dt.date, form: ContactForm = ContactForm.INDIVIDUAL_IN_PERSON, minutes: int | None = 30, **kwargs: Any
) -> ContactFacts:
    return contact(ContactKind.CONTINUOUS, day, form, minutes, **kwargs)


def final(
    day: dt.date,
    weight_loss: str | Decimal = "0",
    waist_loss: str | Decimal = "0",
    exam_weight: Decimal = EXAM_WEIGHT,
    **kwargs: Any,
) -> ContactFacts:
    weight = exam_weight - Decimal(weight_loss)
    waist = EXAM_WAIST - Decimal(waist_loss)
    return contact(ContactKind.FINAL, day, weight_kg=weight, waist_cm=waist, **kwargs)


def programme(
    *contacts: ContactFacts,
    level: ProgrammeLevel = ProgrammeLevel.INTENSIVE,
    exam_weight: Decimal = EXAM_WEIGHT,
    today: dt.date = dt.date(2025, 3, 31),
    **kwargs: Any,
) -> ProgrammeFacts:
    return ProgrammeFacts(
        level=level,
        exam_date=EXAM,
        exam_weight_kg=exam_weight,
        exam_waist_cm=EXAM_WAIST,
        contacts=contacts,
        today=today,
        **kwargs,
    )
