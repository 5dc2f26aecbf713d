"""SPEC §5.8: a contact identical to one recorded is refused."""

from django.utils.translation import gettext_lazy as _

from infra.i18n import message

from ..contacts import ContactFacts, ProgrammeFacts
from .violations import RuleViolation


def check_duplicate(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """SPEC §5.8: a contact identical to one recorded (same programme, date, kind, form) is refused."""
    if not any(contact.same_contact(recorded) for recorded in programme.contacts):
        return []
    return [
        RuleViolation.of(
            "duplicate_contact",
            "date",
            message(
                _("同じ日付・実施内容・支援形態の支援記録が既にあります(%(date)s)"),
                date=contact.date,
            ),
            "§5.8",
            value=contact.date,
        )
    ]
