"""Recording a contact (SPEC §5.2–§5.8): the contact the data describes, the rules' verdict on it, and the write."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from members.actors import Actor, ActorKind

from ..action_plan import ActionPlan
from ..behaviour import behaviour_changes
from ..codes import ContactForm, ContactKind
from ..contacts import INITIAL_KINDS
from ..facts import contact_facts, facts_of
from ..models import Contact, Programme
from ..rules import RuleViolation, blocking, validate_contact
from .errors import ContactRefused
from .evaluation import evaluation_day, store_evaluation
from .locking import programme_claim, sync_instance


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _contact_from_data(programme: Programme, data: Mapping[str, Any], actor: Actor) -> Contact:
    plan = ActionPlan.of(data.get("action_plan"))
    return Contact(
        programme=programme,
        kind=ContactKind(data["kind"]),
        form=ContactForm(int(data["form"])),
        date=data["date"],
        minutes=data.get("minutes"),
        automated=bool(data.get("automated", False)),
        has_guidance_content=bool(data.get("has_guidance_content", True)),
        weight_kg=_decimal_or_none(data.get("weight_kg")),
        waist_cm=_decimal_or_none(data.get("waist_cm")),
        systolic_mmhg=_decimal_or_none(data.get("systolic_mmhg")),
        diastolic_mmhg=_decimal_or_none(data.get("diastolic_mmhg")),
        participants=data.get("participants"),
        measurements_self_declared=bool(data.get("measurements_self_declared", False)),
        # SPEC §5.5: each changed behaviour with the day it began (a bare category has none and earns nothing)
        behaviour_changes=[change.as_json() for change in behaviour_changes(data.get("behaviour_changes") or ())],
        action_plan=plan.as_json() if plan is not None else {},
        staff_id=actor.user_id if actor.kind in (ActorKind.STAFF, ActorKind.SUPERUSER) else None,
        provider_id=actor.guidance_provider_id if actor.kind == ActorKind.GUIDANCE_PROVIDER else programme.provider_id,
        note=data.get("note", ""),
    )


def contact_check(
    *, programme: Programme, contacts: list[Contact], data: Mapping[str, Any], actor: Actor, today: dt.date
) -> tuple[Contact, list[RuleViolation]]:
    """The contact `data` describes (unsaved) and what the rules say about adding it after `contacts` — the one
    check the API, the admin and the guidance-file import share (SPEC §5.2–§5.8)."""
    contact = _contact_from_data(programme, data, actor)
    return contact, validate_contact(facts_of(programme, contacts, today), contact_facts(contact))


def _store_action_plan(programme: Programme, contact: Contact) -> None:
    """The plan sent with an initial interview becomes the programme's (SPEC §5.2); the contact keeps what was
    sent, so an earlier plan stays visible in its contact."""
    if contact.kind not in INITIAL_KINDS or not contact.action_plan:
        return
    plan = ActionPlan.of(contact.action_plan)
    assert plan is not None
    programme.behaviour_goals, programme.support_plan = list(plan.goals), plan.support_plan
    programme.action_plan_on = contact.date
    programme.save(update_fields=["behaviour_goals", "support_plan", "action_plan_on", "updated_at"])


@transaction.atomic
def contact_add(
    *,
    programme: Programme,
    data: Mapping[str, Any],
    actor: Actor,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Contact:
    """Record a contact (SPEC §5.2) if the rules accept it, then re-evaluate the programme.

    Raises ContactRefused (blocking violations, nothing stored) or ProgrammeVersionConflict. Non-blocking warnings
    (accepted, earns nothing) are on the returned contact as `rule_warnings`.
    """
    today = evaluation_day(today)
    fresh = programme_claim(programme, expected_version)
    contacts = list(fresh.contacts.order_by("date", "pk"))
    contact, violations = contact_check(programme=fresh, contacts=contacts, data=data, actor=actor, today=today)
    if refused := blocking(violations):
        raise ContactRefused(refused)
    contact.save()
    _store_action_plan(fresh, contact)
    store_evaluation(fresh, today)
    sync_instance(programme, fresh)
    contact.rule_warnings = [v for v in violations if not v.blocking]
    return contact
