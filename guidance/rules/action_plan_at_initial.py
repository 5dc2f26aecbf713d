"""SPEC §5.2: the action plan is set at the initial interview (a goal in words; for 積極的支援 the planned support)."""

from django.utils.translation import gettext_lazy as _

from ..action_plan import RULE_NO_GOAL, RULE_NO_SUPPORT_PLAN, action_plan_problems
from ..codes import ProgrammeLevel
from ..contacts import INITIAL_KINDS, ContactFacts, ProgrammeFacts
from .violations import RuleViolation


def check_action_plan(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """SPEC §5.2: the action plan is set at the initial interview: a goal in words; for 積極的支援 the planned
    support too. An initial interview may come without one (it can follow at ②), but then cannot complete."""
    if contact.action_plan is None:
        return []
    if contact.kind not in INITIAL_KINDS:
        return [
            RuleViolation.of(
                "action_plan_not_at_initial",
                "action_plan",
                _("行動計画は初回面接で設定します"),
                "§5.2",
            )
        ]
    texts = {
        RULE_NO_GOAL: ("action_plan.goals", _("行動目標を1つ以上、言葉で入力してください")),
        RULE_NO_SUPPORT_PLAN: ("action_plan.support_plan", _("積極的支援では支援計画(予定する支援)を入力してください")),
    }
    return [
        RuleViolation.of(rule, texts[rule][0], texts[rule][1], "§5.2")
        for rule in action_plan_problems(contact.action_plan, ProgrammeLevel(programme.level))
    ]
