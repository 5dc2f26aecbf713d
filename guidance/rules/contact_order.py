"""SPEC §5.2, §5.4: support follows the initial interview; the final evaluation follows its completion (② included)."""

from ..codes import ContactKind
from ..contacts import INITIAL_KINDS, ContactFacts, ProgrammeFacts, initial_completed_on, initial_start
from .violations import RuleViolation, violation


def check_order(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    if contact.kind in INITIAL_KINDS:
        return []
    start = initial_start(programme.contacts)
    if start is None or contact.date < start.date:
        return [
            violation(
                "contact_before_initial",
                "date",
                "初回面接より前の支援です",
                "Contact before the initial interview",
                "§5.2",
            )
        ]
    done_on = initial_completed_on(programme.contacts)
    if contact.kind == ContactKind.FINAL and (done_on is None or contact.date < done_on):
        return [
            violation(
                "final_before_initial_completed",
                "date",
                "初回面接(②まで)の完了前に実績評価はできません",
                "Final evaluation before the initial interview is complete",
                "§5.4",
            )
        ]
    return []
