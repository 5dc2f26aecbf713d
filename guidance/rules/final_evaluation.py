"""SPEC §5.3: the final evaluation — from 3 months after the initial interview, with measured waist and weight, and
known behaviour categories (their start dates: `behaviour_dates`, SPEC §5.5)."""

from ..codes import BehaviourCategory, ContactKind
from ..contacts import ContactFacts, ProgrammeFacts, final_evaluation_earliest, initial_start
from .behaviour_dates import check_behaviour_dates
from .violations import RuleViolation, violation


def check_final(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    if contact.kind != ContactKind.FINAL:
        return []
    found = []
    start = initial_start(programme.contacts)
    if start is not None and contact.date < (earliest := final_evaluation_earliest(start.date)):
        found.append(
            violation(
                "final_before_three_months",
                "date",
                f"実績評価は初回面接から3か月後({earliest})以降です",
                f"The final evaluation may be held from {earliest}, 3 months after the initial interview",
                "§5.3",
            )
        )
    for name, value in (("weight_kg", contact.weight_kg), ("waist_cm", contact.waist_cm)):
        if value is None:
            found.append(
                violation(
                    "final_requires_measurements", name, "実績評価には腹囲・体重が必須です", f"{name} required", "§5.3"
                )
            )
    if contact.measurements_self_declared:
        found.append(
            violation(
                "final_measurements_self_declared",
                "measurements_self_declared",
                "腹囲・体重は実測または客観的な方法で取得してください(自己申告のみは不可)",
                "Waist and weight must be measured or sent objectively, not only self-declared",
                "§5.3",
            )
        )
    unknown = sorted(contact.categories - set(BehaviourCategory.values))
    if unknown:
        found.append(
            violation(
                "behaviour_category_unknown",
                "behaviour_changes",
                f"不明な区分: {unknown}",
                f"Unknown categories {unknown}",
                "§5.5",
            )
        )
    return found + check_behaviour_dates(programme, contact)
