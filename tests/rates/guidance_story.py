"""Programmes walked through the real guidance services (contacts, drop-out, exclusion), for the report tests.

The statutory report and the outcome report read what `guidance.completion.evaluate` stored; building their test
populations through the services (not by writing a status) keeps the reports honest about the rules' results.
"""

import datetime as dt
from decimal import Decimal

from checkups.models import Checkup
from guidance.codes import ContactForm, ContactKind
from guidance.contacts import final_evaluation_earliest
from guidance.models import Programme
from guidance.months import add_months_clamped
from guidance.services import (
    contact_add,
    programme_drop_out,
    programme_exclude,
    programme_set_equivalent_level,
    programmes_sync_for_checkups,
)
from members.actors import Actor, ActorKind
from members.models import GuidanceProvider

TODAY = dt.date(2026, 10, 1)  # after every final evaluation of FY2025, before the report of November 1
ACTOR = Actor(kind=ActorKind.SUPERUSER, label="test")


def programme_for(checkup: Checkup, *, provider: GuidanceProvider | None = None) -> Programme:
    """The programme the sync creates for a guidance-level checkup (SPEC §5.1)."""
    programmes_sync_for_checkups(checkup_ids=[checkup.pk], today=TODAY)
    programme = Programme.objects.select_related("checkup").get(checkup=checkup)
    if provider is not None:
        Programme.objects.filter(pk=programme.pk).update(provider=provider)
        programme.refresh_from_db()
    return programme


def _add(programme: Programme, **data: object) -> None:
    contact_add(programme=programme, data=data, actor=ACTOR, today=TODAY)


# The action plan set at the initial interview (SPEC §5.2): without one a programme cannot complete
PLAN = {"goals": ["毎日30分歩く"], "support_plan": "月1回の個別支援"}
GROUP_FORMS = (ContactForm.GROUP_IN_PERSON, ContactForm.GROUP_REMOTE)


def initial(programme: Programme, on: dt.date, *, form: int = ContactForm.INDIVIDUAL_IN_PERSON) -> Programme:
    """The initial interview with its action plan; a group one 80 minutes with 8 people (SPEC §5.2 minimums)."""
    group = {"minutes": 80, "participants": 8} if form in GROUP_FORMS else {"minutes": 30}
    _add(programme, kind=ContactKind.INITIAL, form=form, date=on, action_plan=PLAN, **group)
    return programme


def initial_part1(programme: Programme) -> Programme:
    """初回面接① on the exam day only: 初回未完了 (SPEC §5.6), not started for the report (SPEC §6.6)."""
    on = programme.checkup.exam_date
    _add(programme, kind=ContactKind.INITIAL_PART1, form=ContactForm.INDIVIDUAL_IN_PERSON, date=on, minutes=20)
    return programme


def support(programme: Programme, on: dt.date, *, form: int = ContactForm.INDIVIDUAL_IN_PERSON) -> Programme:
    minutes = 40 if form in (ContactForm.GROUP_IN_PERSON, ContactForm.GROUP_REMOTE) else 15
    _add(programme, kind=ContactKind.CONTINUOUS, form=form, date=on, minutes=minutes)
    return programme


def final(
    programme: Programme,
    on: dt.date,
    *,
    weight_loss: str = "0",
    waist_loss: str = "0",
    behaviour: tuple[str, ...] = (),
    form: int = ContactForm.INDIVIDUAL_IN_PERSON,
) -> Programme:
    """実績評価 with the change from the exam day (SPEC §5.5); each behaviour begun 2 whole months before it."""
    checkup = programme.checkup
    since = max(add_months_clamped(on, -2), checkup.exam_date).isoformat()
    _add(
        programme,
        kind=ContactKind.FINAL,
        form=form,
        date=on,
        minutes=20,
        weight_kg=str(Decimal(checkup.weight_kg) - Decimal(weight_loss)),
        waist_cm=str(Decimal(checkup.waist_cm) - Decimal(waist_loss)),
        behaviour_changes=[{"category": category, "since": since} for category in behaviour],
    )
    return programme


def completed_motivational(programme: Programme, start: dt.date) -> Programme:
    """動機付け支援 (or 相当): initial interview and a final evaluation 3 months later (SPEC §5.4)."""
    initial(programme, start)
    return final(programme, final_evaluation_earliest(start))


def completed_intensive(programme: Programme, start: dt.date) -> Programme:
    """積極的支援 completed by 2 cm·2 kg at the final evaluation: 180 outcome points (SPEC §5.5)."""
    initial(programme, start)
    return final(programme, final_evaluation_earliest(start), weight_loss="2.5", waist_loss="3.0")


def dropped_out(programme: Programme, on: dt.date) -> Programme:
    programme_drop_out(programme=programme, reason="declined", date=on, actor=ACTOR, today=TODAY)
    return programme


def excluded(programme: Programme, on: dt.date) -> Programme:
    """対象外: medication started after the checkup (再確認 .24020 code 2, SPEC §5.6)."""
    programme_exclude(programme=programme, cause="medication_after_checkup", date=on, actor=ACTOR, today=TODAY)
    return programme


def as_equivalent(programme: Programme) -> Programme:
    """Staff choose 動機付け支援相当 for a flagged second year of 積極的支援 (SPEC §2.8)."""
    programme_set_equivalent_level(programme=programme, actor=ACTOR, today=TODAY)
    return programme
