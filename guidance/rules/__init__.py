"""Rules engine of 特定保健指導 (SPEC §5): checks on a new contact, and the public API of the package.

`validate_contact` refuses what the rules forbid (blocking violations) and warns about contacts that are
accepted but earn nothing (non-blocking): a short contact is still a contact the staff must be able to record.

Pure functions over plain facts (no ORM), one module per rule, named after it with the SPEC sections it cites:
`programme_open` (§5.6), `contact_dates` (§5.1, §5.2), `duplicate_contact` and `measurement_ranges` (§5.8),
`initial_interview_form`, `initial_interview_minimum` and `action_plan_at_initial` (§5.2), `contact_order` (§5.2,
§5.4), `final_evaluation` (§5.3), `behaviour_dates` (§5.5), `support_points` (§5.2, §5.5); `contact_validation`
runs them all. A programme's evaluation (points, status, next action) is `guidance.completion.evaluate`.
"""

from ..completion import Evaluation, NextAction, evaluate
from ..contacts import ContactFacts, ProgrammeFacts, final_evaluation_earliest
from ..points import PointLine
from .contact_validation import validate_contact
from .violations import RuleViolation, blocking

__all__ = [
    "ContactFacts",
    "Evaluation",
    "NextAction",
    "PointLine",
    "ProgrammeFacts",
    "RuleViolation",
    "blocking",
    "evaluate",
    "final_evaluation_earliest",
    "validate_contact",
]
