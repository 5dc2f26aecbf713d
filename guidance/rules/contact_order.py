"""SPEC §5.2, §5.4: support follows the initial interview; the final evaluation follows its completion (② included)."""

from django.utils.translation import gettext_lazy as _

from ..codes import ContactKind
from ..contacts import INITIAL_KINDS, ContactFacts, ProgrammeFacts, initial_completed_on, initial_start
from .violations import RuleViolation


def check_order(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    if contact.kind in INITIAL_KINDS:
        return []
    start = initial_start(programme.contacts)
    if start is None or contact.date < start.date:
        return [RuleViolation.of("contact_before_initial", "date", _("初回面接より前の支援です"), "§5.2")]
    done_on = initial_completed_on(programme.contacts)
    if contact.kind == ContactKind.FINAL and (done_on is None or contact.date < done_on):
        return [
            RuleViolation.of(
                "final_before_initial_completed", "date", _("初回面接(②まで)の完了前に実績評価はできません"), "§5.4"
            )
        ]
    return []
