"""SPEC §5.2: the initial interview — in person or online (not by telephone or email), not automated, held once,
① on the exam day and ② after it."""

from django.utils.translation import gettext_lazy as _

from ..codes import ContactKind
from ..contacts import FORBIDDEN_INITIAL_FORMS, INITIAL_KINDS, ContactFacts, ProgrammeFacts
from .violations import RuleViolation


def check_initial(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    if contact.kind not in INITIAL_KINDS:
        return []
    found = []
    if contact.form in FORBIDDEN_INITIAL_FORMS:
        found.append(
            RuleViolation.of(
                "initial_interview_form", "form", _("初回面接は電話・電子メール等では実施できません"), "§5.2"
            )
        )
    if contact.automated:
        found.append(
            RuleViolation.of("initial_interview_automated", "automated", _("自動応答は初回面接になりません"), "§5.2")
        )
    kinds = {c.kind for c in programme.contacts}
    clashes = {
        ContactKind.INITIAL: INITIAL_KINDS,
        ContactKind.INITIAL_PART1: {ContactKind.INITIAL, ContactKind.INITIAL_PART1},
        ContactKind.INITIAL_PART2: {ContactKind.INITIAL, ContactKind.INITIAL_PART2},
    }[ContactKind(contact.kind)]
    if kinds & clashes:
        found.append(RuleViolation.of("duplicate_initial", "kind", _("初回面接は実施済みです"), "§5.2"))
    part1 = [c.date for c in programme.contacts if c.kind == ContactKind.INITIAL_PART1]
    if contact.kind == ContactKind.INITIAL_PART2 and (not part1 or contact.date < min(part1)):
        found.append(RuleViolation.of("initial_part2_without_part1", "kind", _("初回面接①がありません"), "§5.2"))
    if contact.kind == ContactKind.INITIAL_PART1 and contact.date != programme.exam_date:
        found.append(RuleViolation.of("initial_part1_not_on_exam_day", "date", _("初回面接①は健診当日のみ"), "§5.2"))
    return found
