"""The action plan set at the initial interview (行動目標・行動計画, SPEC §5.2). Pure.

At least one goal in words; for 積極的支援 also the planned support (支援計画). A programme without a complete
plan cannot complete (SPEC §5.2, §5.4, §5.5): the evaluation says so in a line and in the next action.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from guidance.codes import ProgrammeLevel

MIN_GOALS = 1  # SPEC §5.2: at least one goal in words
# SPEC §5.2: the levels whose plan must also state the planned support (動機付け支援相当 completes like 動機付け支援)
SUPPORT_PLAN_LEVELS = frozenset({ProgrammeLevel.INTENSIVE})
RULE_NO_GOAL = "action_plan_no_goal"
RULE_NO_SUPPORT_PLAN = "action_plan_no_support_plan"


@dataclass(frozen=True)
class ActionPlan:
    goals: tuple[str, ...] = ()
    support_plan: str = ""

    def __post_init__(self) -> None:
        goals = tuple(str(goal).strip() for goal in self.goals if str(goal).strip())
        object.__setattr__(self, "goals", goals)
        object.__setattr__(self, "support_plan", (self.support_plan or "").strip())

    @classmethod
    def of(cls, value: "ActionPlan | Mapping[str, Any] | None") -> "ActionPlan | None":
        """A plan from what was sent (`{"goals": [...], "support_plan": "..."}`), or None when nothing was."""
        if value is None or isinstance(value, ActionPlan):
            return value
        if not value:
            return None
        goals: Iterable[Any] = value.get("goals") or ()
        return cls(goals=tuple(goals), support_plan=str(value.get("support_plan") or ""))

    def as_json(self) -> dict[str, Any]:
        return {"goals": list(self.goals), "support_plan": self.support_plan}


def action_plan_problems(plan: ActionPlan | None, level: ProgrammeLevel) -> list[str]:
    """The rules (codes) a plan breaks for a programme of `level`; [] when it is complete (SPEC §5.2)."""
    problems = [RULE_NO_GOAL] if plan is None or len(plan.goals) < MIN_GOALS else []
    if ProgrammeLevel(level) in SUPPORT_PLAN_LEVELS and (plan is None or not plan.support_plan):
        problems.append(RULE_NO_SUPPORT_PLAN)
    return problems


def action_plan_complete(plan: ActionPlan | None, level: ProgrammeLevel) -> bool:
    return not action_plan_problems(plan, level)
