"""SPEC §5.4, §5.6: no contact on an excluded or completed programme, nor after its drop-out."""

from django.utils.translation import gettext_lazy as _

from ..codes import ContactKind
from ..completion import evaluate
from ..contacts import ContactFacts, ProgrammeFacts
from .violations import RuleViolation


def check_programme_open(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    if programme.excluded_cause is not None:
        return [RuleViolation.of("programme_excluded", "kind", _("対象外のプログラムです"), "§5.6")]
    if programme.dropped_out_on is not None and contact.date > programme.dropped_out_on:
        return [RuleViolation.of("contact_after_dropout", "date", _("途中終了後の支援は登録できません"), "§5.6")]
    if evaluate(programme).completed:
        if contact.kind == ContactKind.FINAL:
            return [RuleViolation.of("duplicate_final", "kind", _("実績評価は実施済みです"), "§5.4")]
        return [RuleViolation.of("contact_after_completion", "kind", _("終了したプログラムです"), "§5.6")]
    return []
