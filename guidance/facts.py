"""Bridge between the stored programme and the pure rules: model rows → facts, Evaluation → stored fields.

Kept apart from `services` so the work list, the API and the sync all build facts and store results the same way.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from guidance.codes import ContactForm, ContactKind, DropoutReason, ExclusionCause, ProgrammeLevel
from guidance.completion import CONTACT_OVERDUE_DAYS
from guidance.points import BEHAVIOUR_SUSTAINED_MONTHS
from guidance.rules import ContactFacts, Evaluation, ProgrammeFacts, RuleViolation

# Fields of Programme written from an Evaluation; the sync and refresh compare exactly these.
EVALUATION_FIELDS = (
    "status",
    "outcome_points",
    "process_points",
    "total_points",
    "completed_on",
    "initial_on",
    "last_contact_on",
    "next_action",
    "next_action_due",
    "evaluation",
)


def contact_facts(contact: Any) -> ContactFacts:
    """A stored Contact (or anything with the same attributes) as rule facts."""
    return ContactFacts(
        kind=ContactKind(contact.kind),
        form=ContactForm(contact.form),
        date=contact.date,
        minutes=contact.minutes,
        automated=contact.automated,
        weight_kg=contact.weight_kg,
        waist_cm=contact.waist_cm,
        behaviour_changes=frozenset(contact.behaviour_changes or ()),
        behaviour_sustained_months=dict(contact.behaviour_sustained_months or {}),
        has_guidance_content=contact.has_guidance_content,
        measurements_self_declared=contact.measurements_self_declared,
    )


def sustained_months_default(behaviour_changes: Sequence[str], given: Mapping[str, int] | None) -> dict[str, int]:
    """Months each reported behaviour change was kept.

    The API lists the categories "achieved and sustained ≥ 2 months" (issue #5, SPEC §5.5); when a client sends
    no month counts, a listed category is taken as kept for the minimum of 2 months. Explicit counts win.
    """
    months = dict.fromkeys(behaviour_changes, BEHAVIOUR_SUSTAINED_MONTHS)
    months.update({k: int(v) for k, v in (given or {}).items()})
    return months


def programme_facts(
    *,
    level: int,
    exam_date: dt.date,
    exam_weight_kg: Decimal | None,
    exam_waist_cm: Decimal | None,
    contacts: Sequence[Any],
    today: dt.date,
    dropped_out_on: dt.date | None = None,
    dropout_reason: str = "",
    excluded_cause: str = "",
) -> ProgrammeFacts:
    """Facts of one programme; `contacts` are stored Contacts, in the order whose indexes the lines refer to."""
    return ProgrammeFacts(
        level=ProgrammeLevel(level),
        exam_date=exam_date,
        exam_weight_kg=exam_weight_kg,
        exam_waist_cm=exam_waist_cm,
        today=today,
        contacts=tuple(contact_facts(c) for c in contacts),
        dropped_out_on=dropped_out_on,
        dropout_reason=DropoutReason(dropout_reason) if dropout_reason else None,
        excluded_cause=ExclusionCause(excluded_cause) if excluded_cause else None,
    )


def facts_of(programme: Any, contacts: Sequence[Any], today: dt.date) -> ProgrammeFacts:
    """Facts of a stored Programme; exam weight and waist come from its checkup (SPEC §5.5)."""
    checkup = programme.checkup
    return programme_facts(
        level=programme.level,
        exam_date=checkup.exam_date,
        exam_weight_kg=checkup.weight_kg,
        exam_waist_cm=checkup.waist_cm,
        contacts=contacts,
        today=today,
        dropped_out_on=programme.dropped_out_on,
        dropout_reason=programme.dropout_reason,
        excluded_cause=programme.excluded_cause,
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def evaluation_fields(evaluation: Evaluation, contact_ids: Sequence[int | None]) -> dict[str, Any]:
    """Programme field values for `evaluation`; line indexes become contact primary keys (SPEC §5.7)."""
    action = evaluation.next_action
    lines = [
        {
            "rule": line.rule,
            "points": line.points,
            "contact": contact_ids[line.contact_index] if line.contact_index is not None else None,
            "detail_ja": line.detail_ja,
            "detail_en": line.detail_en,
            "spec": line.spec,
        }
        for line in evaluation.lines
    ]
    return {
        "status": evaluation.status.value,
        "outcome_points": evaluation.outcome_points,
        "process_points": evaluation.process_points,
        "total_points": evaluation.total_points,
        "completed_on": evaluation.completed_on,
        "initial_on": evaluation.initial_started_on,
        "last_contact_on": _last_contact(evaluation),
        "next_action": action.code,
        "next_action_due": action.due_on,
        "evaluation": {
            "lines": lines,
            "missing_points": evaluation.missing_points,
            "hint_ja": evaluation.hint_ja,
            "hint_en": evaluation.hint_en,
            "initial_completed_on": _iso(evaluation.initial_completed_on),
            "final_evaluation_earliest": _iso(evaluation.final_evaluation_earliest),
            "final_evaluation_on": _iso(evaluation.final_evaluation_on),
            "next_contact_by": _iso(evaluation.next_contact_by),
            "next_action": {
                "code": action.code,
                "due_on": _iso(action.due_on),
                "overdue": action.overdue,
                "message_ja": action.message_ja,
                "message_en": action.message_en,
            },
            "decision_ja": evaluation.decision_ja,
            "decision_en": evaluation.decision_en,
        },
    }


def _last_contact(evaluation: Evaluation) -> dt.date | None:
    """Last human contact: the engine gives next_contact_by = last + 60 days (SPEC §5.6)."""
    if evaluation.next_contact_by is None:
        return None
    return evaluation.next_contact_by - dt.timedelta(days=CONTACT_OVERDUE_DAYS)


def violation_dict(violation: RuleViolation) -> dict[str, str]:
    """One refusal as the API and the admin show it: the field, the rule (as `code`) and both messages."""
    return {
        "field": violation.field,
        "code": violation.rule,
        "message_ja": violation.message_ja,
        "message_en": violation.message_en,
        "spec": violation.spec,
    }
