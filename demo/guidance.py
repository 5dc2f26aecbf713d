"""Demo guidance (seed_demo): programmes in every state for the demo insurer's guidance-level checkups.

Deterministic. Contacts are generated in Python, each checked with the pure rules (`validate_contact`) against the
contacts before it, written with one bulk insert, and the programmes are then evaluated in batches.
"""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from checkups.models import Checkup
from demo.population import DEMO_STAFF_USERNAME
from guidance.codes import ContactForm, ContactKind, DropoutReason, ExclusionCause, ProgrammeLevel, ProgrammeStatus
from guidance.contacts import add_months_clamped
from guidance.facts import contact_facts, programme_facts
from guidance.models import Contact, Programme
from guidance.rules import blocking, validate_contact
from guidance.services import programmes_refresh, programmes_sync_for_checkups
from members.fiscal import fiscal_year_of
from members.models import GuidanceProvider

DEMO_PROVIDER = ("2799999999", "架空保健指導センター")
DEMO_REMOTE_PROVIDER = ("2799999998", "架空オンライン保健指導室")  # every contact remote (ICT, telephone, email)
# Who runs a programme: the face-to-face provider, the remote-only provider, or the insurer's own staff
PROVIDER_SHARES = {"provider": 0.35, "remote_provider": 0.25, "staff": 0.40}
REMOTE_INITIAL_FORMS = [ContactForm.INDIVIDUAL_REMOTE, ContactForm.INDIVIDUAL_REMOTE, ContactForm.GROUP_REMOTE]
REMOTE_SUPPORT_FORMS = [ContactForm.INDIVIDUAL_REMOTE, ContactForm.TELEPHONE, ContactForm.EMAIL_CHAT]
# Scenario weights for a past fiscal year: about 25–30 % completed, as insurers commonly report (rates 15–45 %)
PAST_YEAR = {
    "none": 44,
    "complete_2kg": 9,
    "complete_points": 15,
    "in_progress": 8,
    "short_final": 5,
    "dropped_out": 11,
    "initial_incomplete": 3,
    "excluded": 5,
}
CURRENT_YEAR = {
    "none": 45,
    "complete_2kg": 4,
    "complete_points": 4,
    "in_progress": 30,
    "short_final": 2,
    "dropped_out": 5,
    "initial_incomplete": 6,
    "excluded": 4,
}
# The first programmes of the earliest year take each scenario once, so every state exists in the demo
GUARANTEED = ["complete_2kg", "complete_points", "in_progress", "dropped_out", "initial_incomplete", "excluded"]


class _Builder:
    """Contacts of one programme, each accepted by the rules before the next is planned."""

    def __init__(self, programme: Programme, checkup: Checkup, today: dt.date, who: dict[str, Any]) -> None:
        self.programme, self.checkup, self.today, self.who = programme, checkup, today, who
        self.contacts: list[Contact] = []

    def add(self, **fields: Any) -> bool:
        contact = Contact(programme=self.programme, **self.who, **fields)
        facts = programme_facts(
            level=self.programme.level,
            exam_date=self.checkup.exam_date,
            exam_weight_kg=self.checkup.weight_kg,
            exam_waist_cm=self.checkup.waist_cm,
            contacts=self.contacts,
            today=self.today,
        )
        if blocking(validate_contact(facts, contact_facts(contact))):
            return False
        self.contacts.append(contact)
        if contact.action_plan:  # the plan set at the initial interview becomes the programme's (SPEC §5.2)
            self.programme.behaviour_goals = contact.action_plan["goals"]
            self.programme.support_plan = contact.action_plan["support_plan"]
            self.programme.action_plan_on = contact.date
        return True


def _play(scenario: str, b: _Builder, rng: random.Random, *, remote_only: bool = False) -> dict[str, Any]:
    """Add the contacts of `scenario`; returns programme fields to set (drop-out, exclusion). A remote-only
    programme (the online provider's) holds every contact remotely: ICT interviews, telephone, email."""
    exam, today = b.checkup.exam_date, b.today
    if scenario == "none":
        return {}
    if scenario == "excluded":
        when = exam + dt.timedelta(days=rng.randint(14, 60))
        return {"excluded_cause": ExclusionCause.MEDICATION_AFTER_CHECKUP, "excluded_on": min(when, today)}
    if scenario == "initial_incomplete":
        part1_form = ContactForm.INDIVIDUAL_REMOTE if remote_only else ContactForm.INDIVIDUAL_IN_PERSON
        b.add(kind=ContactKind.INITIAL_PART1, form=part1_form, date=exam, minutes=20)
        return {}
    start = exam + dt.timedelta(days=rng.choice([0, 0, 2, 5, 10, 14, 21, 30]))
    form = rng.choice(REMOTE_INITIAL_FORMS) if remote_only else rng.choice([1, 1, 1, 2, 3])
    group = form in (ContactForm.GROUP_IN_PERSON, ContactForm.GROUP_REMOTE)  # SPEC §5.2 ◆: ≥ 80 min, ≤ 8 people
    if start > today or not b.add(
        kind=ContactKind.INITIAL,
        form=form,
        date=start,
        minutes=rng.choice([80, 90]) if group else rng.choice([20, 30, 40]),
        participants=rng.randint(4, 8) if group else None,
        action_plan=_plan(b.programme.level, rng),
    ):
        return {}
    weight, waist = b.checkup.weight_kg or Decimal("75.0"), b.checkup.waist_cm or Decimal("90.0")
    intensive = b.programme.level == ProgrammeLevel.INTENSIVE
    month = 1
    supports = {"complete_points": 3, "complete_2kg": 1, "short_final": 1, "in_progress": rng.randint(0, 2)}
    for _ in range(supports.get(scenario, 1) if intensive or scenario == "in_progress" else 0):
        day = add_months_clamped(start, month)
        form = rng.choice([1, 2, 5]) if scenario != "complete_points" else rng.choice([1, 2])
        if remote_only:
            form = rng.choice(REMOTE_SUPPORT_FORMS) if scenario != "complete_points" else ContactForm.INDIVIDUAL_REMOTE
        loss = Decimal(month) * Decimal("0.4")
        b.add(
            kind=ContactKind.CONTINUOUS if month < 2 else ContactKind.INTERIM,
            form=form,
            date=day,
            minutes=None if form == ContactForm.EMAIL_CHAT else 30 if form != ContactForm.TELEPHONE else 10,
            weight_kg=weight - loss,
            waist_cm=waist - loss,
        )
        month += 1
    if scenario == "dropped_out":
        last = b.contacts[-1].date
        return {
            "dropped_out_on": min(today, last + dt.timedelta(days=rng.randint(30, 90))),
            "dropout_reason": rng.choice(DropoutReason.values),
        }
    if scenario == "in_progress":
        return {}
    final_day = add_months_clamped(start, 3) + dt.timedelta(days=rng.randint(0, 20))
    if final_day > today:
        return {}
    weight_loss = {"complete_2kg": "2.5", "complete_points": "1.2", "short_final": "0.6"}[scenario]
    jitter = Decimal(rng.randint(0, 10)) / 10
    # smoking cessation (SPEC §5.5) only for a smoker at the checkup
    categories = ["diet", "exercise", "rest", "other"] + (["smoking"] * 3 if b.checkup.current_smoker else [])
    b.add(
        kind=ContactKind.FINAL,
        form=ContactForm.INDIVIDUAL_REMOTE if remote_only else rng.choice([1, 2]),
        date=final_day,
        minutes=20,
        weight_kg=weight - Decimal(weight_loss) - jitter,
        waist_cm=waist - Decimal(weight_loss) - jitter,
        behaviour_changes=[
            # SPEC §5.5: each change with the day it began; most began soon after the interview, some too late
            {"category": category, "since": (start + dt.timedelta(days=rng.choice([7, 14, 30, 75]))).isoformat()}
            for category in sorted(set(rng.sample(categories, k=rng.randint(0, 2))))
        ],
    )
    return {}


GOALS = ["毎日30分歩く", "間食を週2回までにする", "夕食は寝る2時間前までに済ませる", "週に2日は休肝日にする"]
SUPPORT_PLANS = ["月1回の個別面接と2週ごとのメール支援", "月1回のオンライン面接と電話支援"]


def _plan(level: int, rng: random.Random) -> dict[str, Any]:
    """行動目標 in words and, for 積極的支援, the planned support (SPEC §5.2)."""
    support = rng.choice(SUPPORT_PLANS) if level == ProgrammeLevel.INTENSIVE else ""
    return {"goals": rng.sample(GOALS, k=rng.randint(1, 2)), "support_plan": support}


@transaction.atomic
def seed(population: Any, *, today: dt.date) -> str:
    """Programmes for the demo insurer's guidance-level checkups, with contacts so that every state exists."""
    rng = random.Random(20260405)
    insurer = population.insurer
    programmes_sync_for_checkups(
        checkup_ids=Checkup.objects.filter(insurer=insurer).values_list("pk", flat=True), today=today
    )
    current_fy = fiscal_year_of(today)
    if Contact.objects.filter(programme__insurer=insurer).exists():
        return _summary(insurer, current_fy)  # already seeded: running twice changes nothing
    provider, _ = GuidanceProvider.objects.get_or_create(number=DEMO_PROVIDER[0], defaults={"name": DEMO_PROVIDER[1]})
    remote_provider, _ = GuidanceProvider.objects.get_or_create(
        number=DEMO_REMOTE_PROVIDER[0], defaults={"name": DEMO_REMOTE_PROVIDER[1]}
    )
    providers = {"provider": provider, "remote_provider": remote_provider, "staff": None}
    staff = get_user_model().objects.filter(username=DEMO_STAFF_USERNAME).first()
    programmes = list(
        Programme.objects.filter(insurer=insurer, contacts__isnull=True, status=ProgrammeStatus.NOT_STARTED)
        .select_related("checkup")
        .order_by("fiscal_year", "pk")
    )
    guaranteed = list(GUARANTEED)
    contacts: list[Contact] = []
    for programme in programmes:
        checkup = programme.checkup
        if checkup.consecutive_intensive_eligible and rng.random() < 0.5:
            programme.level = ProgrammeLevel.MOTIVATIONAL_EQUIVALENT  # a staff decision (SPEC §2.8)
        weights = CURRENT_YEAR if programme.fiscal_year >= current_fy else PAST_YEAR
        past = programme.fiscal_year < current_fy
        scenario = guaranteed.pop(0) if guaranteed and past else rng.choices(list(weights), list(weights.values()))[0]
        runner = rng.choices(list(PROVIDER_SHARES), list(PROVIDER_SHARES.values()))[0]
        chosen = providers[runner]
        programme.provider = chosen
        programme.assigned_staff = None if chosen else staff
        who = {"provider": chosen} if chosen else {"staff": staff}
        builder = _Builder(programme, checkup, today, who)
        for name, value in _play(scenario, builder, rng, remote_only=runner == "remote_provider").items():
            setattr(programme, name, value)
        contacts += builder.contacts
    fields = [
        "level",
        "behaviour_goals",
        "support_plan",
        "action_plan_on",
        "provider",
        "assigned_staff",
        "dropped_out_on",
        "dropout_reason",
        "excluded_cause",
        "excluded_on",
    ]
    Programme.objects.bulk_update(programmes, fields, batch_size=500)
    Contact.objects.bulk_create(contacts, batch_size=1000)
    programmes_refresh(programme_ids=[p.pk for p in programmes], today=today)
    return _summary(insurer, current_fy)


def _summary(insurer: Any, current_fy: int) -> str:
    counts = Counter(Programme.objects.filter(insurer=insurer).values_list("fiscal_year", "status"))
    parts = []
    for year in sorted({fy for fy, _ in counts}):
        total = sum(n for (fy, _), n in counts.items() if fy == year)
        done = counts[(year, ProgrammeStatus.COMPLETED)]
        denominator = total - counts[(year, ProgrammeStatus.EXCLUDED)]  # 対象外 leave the denominator (SPEC §5.6)
        rate = f"{100 * done / denominator:.0f}%" if denominator else "—"
        parts.append(f"FY{year}: {total} programmes, {done} completed ({rate})")
    return "; ".join(parts) or "no guidance-level checkups"
