"""Goals of the initial interview (SPEC §5.2, §5.5): targets, planned outcome, behaviours and the action plan."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from members.actors import Actor

from ..completion import OPEN_STATUSES
from ..models import Programme
from .evaluation import evaluation_day, store_evaluation
from .locking import programme_claim, sync_instance


@transaction.atomic
def programme_set_goals(
    *,
    programme: Programme,
    actor: Actor,
    target_weight_kg: Decimal | None = None,
    target_waist_cm: Decimal | None = None,
    planned_outcome: int | None = None,
    behaviour_goals: list[str] | None = None,
    support_plan: str | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Programme:
    """Goals set at the initial interview: target weight/waist, planned 2 cm·2 kg or 1 cm·1 kg, behaviours
    (SPEC §5.5, plan codes OID .24110 / .24120), and the action plan's goals and planned support (SPEC §5.2):
    an open programme is re-evaluated, since a programme without an action plan cannot complete."""
    fresh = programme_claim(programme, expected_version)
    fresh.target_weight_kg = target_weight_kg
    fresh.target_waist_cm = target_waist_cm
    if planned_outcome is not None:
        fresh.planned_outcome = planned_outcome
    if behaviour_goals is not None:
        fresh.behaviour_goals = [str(goal).strip() for goal in behaviour_goals if str(goal).strip()]
    if support_plan is not None:
        fresh.support_plan = support_plan.strip()
    fields = ["target_weight_kg", "target_waist_cm", "planned_outcome", "behaviour_goals", "support_plan"]
    fresh.save(update_fields=[*fields, "updated_at"])
    if fresh.status in OPEN_STATUSES:  # a closed programme keeps the state it was closed with
        store_evaluation(fresh, evaluation_day(today))
    sync_instance(programme, fresh)
    return programme
