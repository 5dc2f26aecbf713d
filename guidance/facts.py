"""Bridge between the stored programme and the pure rules: model rows → facts, Evaluation → stored fields.

Kept apart from `services` so the work list, the API and the sync all build facts and store results the same way.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from guidance.action_plan import ActionPlan
from guidance.codes import ContactForm, ContactKind, DropoutReason, ExclusionCause, ProgrammeLevel
from guidance.completion import CONTACT_OVERDUE_DAYS
from guidance.levels import pending_level_change, pending_level_loss
from guidance.rules import ContactFacts, Evaluation, ProgrammeFacts, RuleViolation

# Fields of Programme written from an Evaluation; the sync and refresh compare exactly these.
EVALUATION_FIELDS = (
    "status",
    "outcome_points",
    "process_points",
    "total_points",
    "completed_on",
    "initial_on",
    "final_evaluation_earliest",
    "final_evaluation_on",
    "last_contact_on",
    "next_action",
    "next_action_due",
    "evaluation",
)


def contact_facts(contact: Any) -> ContactFacts:
    """A stored Contact (or anything with the same attributes) as rule facts. Behaviour changes stored before
    start dates existed are bare category strings: they carry no date (SPEC §5.5)."""
    return ContactFacts(
        kind=ContactKind(contact.kind),
        form=ContactForm(contact.form),
        date=contact.date,
        minutes=contact.minutes,
        automated=contact.automated,
        weight_kg=contact.weight_kg,
        waist_cm=contact.waist_cm,
        systolic_mmhg=getattr(contact, "systolic_mmhg", None),
        diastolic_mmhg=getattr(contact, "diastolic_mmhg", None),
        behaviour_changes=tuple(contact.behaviour_changes or ()),
        has_guidance_content=contact.has_guidance_content,
        measurements_self_declared=contact.measurements_self_declared,
        participants=getattr(contact, "participants", None),
        action_plan=ActionPlan.of(getattr(contact, "action_plan", None) or None),
    )


def programme_action_plan(programme: Any) -> ActionPlan | None:
    """The plan stored on a programme (SPEC §5.2): goals and, for 積極的支援, the planned support."""
    goals = tuple(getattr(programme, "behaviour_goals", None) or ())
    support = getattr(programme, "support_plan", "") or ""
    return ActionPlan(goals=goals, support_plan=support) if goals or support else None


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
    action_plan: ActionPlan | None = None,
    pending_level: int | None = None,
    pending_loss: bool = False,
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
        action_plan=action_plan,
        pending_level=ProgrammeLevel(pending_level) if pending_level else None,
        pending_level_loss=pending_loss,
    )


def facts_of(programme: Any, contacts: Sequence[Any], today: dt.date) -> ProgrammeFacts:
    """Facts of a stored Programme; exam weight and waist come from its checkup (SPEC §5.5), the level a
    corrected checkup now gives it from the checkup's level (SPEC §5.6)."""
    checkup = programme.checkup
    pending = pending_level_change(
        current=programme.level,
        checkup_level=checkup.guidance_level,
        equivalent_allowed=checkup.consecutive_intensive_eligible,
        started=bool(contacts),
        decided_for=programme.level_decided_for,
    )
    loss = pending_level_loss(
        checkup_level=checkup.guidance_level, started=bool(contacts), decided_for=programme.level_decided_for
    )
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
        action_plan=programme_action_plan(programme),
        pending_level=pending,
        pending_loss=loss,
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
        "final_evaluation_earliest": evaluation.final_evaluation_earliest,
        "final_evaluation_on": evaluation.final_evaluation_on,
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


def violation_dict(violation: RuleViolation) -> dict[str, Any]:
    """One refusal as the API and the admin show it: the field, the rule (as `code`), the value sent and both
    messages (the project's error envelope)."""
    return {
        "field": violation.field,
        "code": violation.rule,
        "value": violation.value,
        "message_ja": violation.message_ja,
        "message_en": violation.message_en,
        "spec": violation.spec,
    }
