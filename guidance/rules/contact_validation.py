"""`validate_contact`: every rule on a new contact (SPEC §5.2–§5.8), in the order their violations are listed.

It refuses what the rules forbid (blocking violations) and warns about contacts that are accepted but earn nothing
(non-blocking): a short contact is still a contact the staff must be able to record.
"""

from ..contacts import ContactFacts, ProgrammeFacts
from .action_plan_at_initial import check_action_plan
from .contact_dates import check_dates
from .contact_order import check_order
from .duplicate_contact import check_duplicate
from .final_evaluation import check_final
from .initial_interview_form import check_initial
from .initial_interview_minimum import check_initial_minimum
from .measurement_ranges import check_measurements
from .programme_open import check_programme_open
from .support_points import check_support
from .violations import RuleViolation

CONTACT_CHECKS = (
    check_programme_open,
    check_duplicate,
    check_dates,
    check_measurements,
    check_initial,
    check_initial_minimum,
    check_action_plan,
    check_order,
    check_final,
    check_support,
)


def validate_contact(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """Check `contact` before adding it to `programme` (whose `contacts` are those already recorded)."""
    return [violation for check in CONTACT_CHECKS for violation in check(programme, contact)]
