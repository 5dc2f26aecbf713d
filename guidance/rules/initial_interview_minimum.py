"""SPEC §5.2 ◆: the initial interview's minimum time (① + ② together) and a group's size."""

from django.utils.translation import gettext_lazy as _

from infra.i18n import message

from ..codes import ContactForm, ContactKind
from ..contacts import FORBIDDEN_INITIAL_FORMS, INITIAL_KINDS, ContactFacts, ProgrammeFacts
from ..initial_interview import (
    GROUP_FORMS,
    GROUP_INITIAL_MAX_PEOPLE,
    InterviewPart,
    group_too_large,
    initial_minutes_short,
)
from .violations import RuleViolation


def check_initial_minimum(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """SPEC §5.2 ◆: initial interview ≥ 20 min individual, ≥ 80 min group with ≤ 8 people; ① + ② together."""
    if contact.kind not in INITIAL_KINDS or ContactForm(contact.form) in FORBIDDEN_INITIAL_FORMS:
        return []
    found = _group_size(contact)
    if contact.minutes is None:
        return [
            *found,
            RuleViolation.of("minutes_required", "minutes", _("初回面接の実施時間(分)を入力してください"), "§5.2"),
        ]
    if contact.kind == ContactKind.INITIAL_PART1:
        return found  # ① alone may be short: ① + ② together meet the minimum, checked when ② is recorded
    parts = [InterviewPart(ContactForm(contact.form), contact.minutes)]
    if contact.kind == ContactKind.INITIAL_PART2:
        parts += [
            InterviewPart(ContactForm(c.form), c.minutes or 0)
            for c in programme.contacts
            if c.kind == ContactKind.INITIAL_PART1
        ]
    short = initial_minutes_short(parts)
    if short is not None:
        held, minimum = short
        text = (
            message(_("初回面接①と②の合計%(held)s分は最低%(minimum)s分に足りません"), held=held, minimum=minimum)
            if contact.kind == ContactKind.INITIAL_PART2
            else message(_("初回面接%(held)s分は最低%(minimum)s分に足りません"), held=held, minimum=minimum)
        )
        found.append(RuleViolation.of("initial_interview_too_short", "minutes", text, "§5.2", value=contact.minutes))
    return found


def _group_size(contact: ContactFacts) -> list[RuleViolation]:
    """A group initial interview names its participants: 1 to `GROUP_INITIAL_MAX_PEOPLE` (SPEC §5.2 ◆)."""
    if ContactForm(contact.form) not in GROUP_FORMS:
        return []
    found = []
    if contact.participants is None:
        found.append(
            RuleViolation.of(
                "group_participants_required",
                "participants",
                _("グループ支援の初回面接は参加人数を入力してください"),
                "§5.2",
            )
        )
    elif contact.participants < 1:
        found.append(
            RuleViolation.of(
                "participants_invalid",
                "participants",
                message(_("参加人数 %(sent)s は不正です"), sent=contact.participants),
                "§5.2",
                value=contact.participants,
            )
        )
    elif group_too_large(contact.form, contact.participants):
        found.append(
            RuleViolation.of(
                "initial_group_too_large",
                "participants",
                message(
                    _("グループ支援の初回面接は%(max)s人以下です(%(sent)s人)"),
                    max=GROUP_INITIAL_MAX_PEOPLE,
                    sent=contact.participants,
                ),
                "§5.2",
                value=contact.participants,
            )
        )
    return found
