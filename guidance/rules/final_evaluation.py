"""SPEC §5.3: the final evaluation — from 3 months after the initial interview, with measured waist and weight, and
known behaviour categories (their start dates: `behaviour_dates`, SPEC §5.5)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from infra.i18n import message

from ..codes import BehaviourCategory, ContactKind
from ..contacts import ContactFacts, ProgrammeFacts, final_evaluation_earliest, initial_start
from .behaviour_dates import check_behaviour_dates
from .violations import RuleViolation

# The Japanese names both measurements; the English names the missing field (one message per field, as before).
_MEASUREMENT_REQUIRED = {
    "weight_kg": pgettext_lazy("final evaluation weight_kg", "実績評価には腹囲・体重が必須です"),
    "waist_cm": pgettext_lazy("final evaluation waist_cm", "実績評価には腹囲・体重が必須です"),
}


def check_final(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    if contact.kind != ContactKind.FINAL:
        return []
    found = []
    start = initial_start(programme.contacts)
    if start is not None and contact.date < (earliest := final_evaluation_earliest(start.date)):
        found.append(
            RuleViolation.of(
                "final_before_three_months",
                "date",
                message(_("実績評価は初回面接から3か月後(%(earliest)s)以降です"), earliest=earliest),
                "§5.3",
            )
        )
    for name, value in (("weight_kg", contact.weight_kg), ("waist_cm", contact.waist_cm)):
        if value is None:
            found.append(RuleViolation.of("final_requires_measurements", name, _MEASUREMENT_REQUIRED[name], "§5.3"))
    if contact.measurements_self_declared:
        found.append(
            RuleViolation.of(
                "final_measurements_self_declared",
                "measurements_self_declared",
                _("腹囲・体重は実測または客観的な方法で取得してください(自己申告のみは不可)"),
                "§5.3",
            )
        )
    unknown = sorted(contact.categories - set(BehaviourCategory.values))
    if unknown:
        found.append(
            RuleViolation.of(
                "behaviour_category_unknown",
                "behaviour_changes",
                message(_("不明な区分: %(categories)s"), categories=unknown),
                "§5.5",
            )
        )
    return found + check_behaviour_dates(programme, contact)
