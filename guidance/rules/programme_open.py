"""SPEC §5.4, §5.6: no contact on an excluded or completed programme, nor after its drop-out."""

from ..codes import ContactKind
from ..completion import evaluate
from ..contacts import ContactFacts, ProgrammeFacts
from .violations import RuleViolation, violation


def check_programme_open(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    if programme.excluded_cause is not None:
        return [violation("programme_excluded", "kind", "対象外のプログラムです", "The programme is excluded", "§5.6")]
    if programme.dropped_out_on is not None and contact.date > programme.dropped_out_on:
        return [
            violation(
                "contact_after_dropout", "date", "途中終了後の支援は登録できません", "Contact after dropout", "§5.6"
            )
        ]
    if evaluate(programme).completed:
        if contact.kind == ContactKind.FINAL:
            return [
                violation("duplicate_final", "kind", "実績評価は実施済みです", "Final evaluation already done", "§5.4")
            ]
        return [
            violation(
                "contact_after_completion", "kind", "終了したプログラムです", "The programme is completed", "§5.6"
            )
        ]
    return []
