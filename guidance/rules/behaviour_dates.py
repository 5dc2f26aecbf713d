"""SPEC §5.5 ◆: each changed behaviour with the day it began, kept at least 2 whole months before it earns points."""

from django.utils.translation import gettext_lazy as _

from infra.i18n import message

from ..behaviour import counts_from, first_per_category
from ..contacts import ContactFacts, ProgrammeFacts
from .violations import RuleViolation


def check_behaviour_dates(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """The start date of each changed behaviour (SPEC §5.5 ◆): between the exam and the final evaluation; without
    one, or kept less than 2 whole months, the change is recorded but earns nothing (a warning says why)."""
    found = []
    for position, change in enumerate(contact.behaviour_changes):
        field = f"behaviour_changes[{position}].since"
        category = change.category
        if change.since is None:
            found.append(
                RuleViolation.of(
                    "behaviour_without_start_date",
                    f"behaviour_changes[{position}]",
                    message(_("%(category)s: 開始日がないため0ポイントです(記録は可能)"), category=category),
                    "§5.5",
                    value=category,
                    blocking=False,
                )
            )
        elif change.since > contact.date:
            found.append(
                RuleViolation.of(
                    "behaviour_since_after_final",
                    field,
                    message(
                        _("%(category)s: 開始日 %(since)s が実績評価日 %(final)s より後です"),
                        category=category,
                        since=change.since,
                        final=contact.date,
                    ),
                    "§5.5",
                    value=change.since,
                )
            )
        elif change.since < programme.exam_date:
            found.append(
                RuleViolation.of(
                    "behaviour_since_before_exam",
                    field,
                    message(
                        _("%(category)s: 開始日 %(since)s が健診日 %(exam)s より前です"),
                        category=category,
                        since=change.since,
                        exam=programme.exam_date,
                    ),
                    "§5.5",
                    value=change.since,
                )
            )
    for category, change in first_per_category(contact.behaviour_changes).items():
        if change.since is None or not programme.exam_date <= change.since <= contact.date:
            continue
        if contact.date < (earliest := counts_from(change.since)):
            found.append(
                RuleViolation.of(
                    "behaviour_not_sustained",
                    "behaviour_changes",
                    message(
                        _("%(category)s: %(since)s からの継続が2か月未満のため0ポイント(%(earliest)s 以降に算定)"),
                        category=category,
                        since=change.since,
                        earliest=earliest,
                    ),
                    "§5.5",
                    value=change.since,
                    blocking=False,
                )
            )
    return found
