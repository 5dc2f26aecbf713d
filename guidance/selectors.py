"""Read paths of 特定保健指導, always starting from `visible_to(actor)`."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from checkups.codes import GuidanceLevel
from checkups.judgments import READ_FIELDS, explain_checkup
from members.actors import Actor
from members.normalize import normalize_card_part

from .codes import ProgrammeLevel, ProgrammeStatus
from .goal import main_goal, plain_number
from .models import Contact, Programme
from .points import COMPLETION_POINTS, MINOR_TARGET_WAIST_CM, MINOR_TARGET_WEIGHT_KG, PROPORTIONAL_FACTOR
from .wording import day as date_in_words

CLOSED = (ProgrammeStatus.COMPLETED, ProgrammeStatus.DROPPED_OUT, ProgrammeStatus.EXCLUDED)


def programme_list(
    *,
    actor: Actor,
    checkup_id: int | None = None,
    status: str | None = None,
    fiscal_year: int | None = None,
    card_number: str | None = None,
    next_action_due_before: dt.date | None = None,
    final_due_before: dt.date | None = None,
) -> QuerySet[Programme]:
    """Programmes the actor may see, by due date (the next action's, then the earliest final evaluation; none
    last), with what the API and work list show. `…_before` filters are inclusive (due on or before)."""
    queryset = (
        Programme.objects.visible_to(actor)
        .select_related("person", "insurer", "provider", "assigned_staff", "checkup")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("date", "pk")))
        .order_by(F("next_action_due").asc(nulls_last=True), F("final_evaluation_earliest").asc(nulls_last=True), "pk")
    )
    if next_action_due_before is not None:
        queryset = queryset.filter(next_action_due__lte=next_action_due_before)
    if final_due_before is not None:
        # only programmes still waiting for their final evaluation (SPEC §5.3)
        queryset = queryset.filter(
            final_evaluation_earliest__lte=final_due_before, final_evaluation_on__isnull=True
        ).exclude(status__in=CLOSED)
    if checkup_id is not None:
        queryset = queryset.filter(checkup_id=checkup_id)
    if status:
        queryset = queryset.filter(status=status)
    if fiscal_year is not None:
        queryset = queryset.filter(fiscal_year=fiscal_year)
    if card_number:
        # Card numbers are stored normalised (SPEC §1.5): fold the query the same way
        queryset = queryset.filter(person__card_number=normalize_card_part(card_number))
    return queryset


def programme_trend(programme: Programme, *, contacts: Sequence[Contact] | None = None) -> dict[str, Any]:
    """Weight and waist over time for the chart: the exam day, then every contact that measured them.

    `contacts` (date order) when the caller already has them, so the page reads them once."""
    checkup = programme.checkup
    if contacts is None:
        contacts = list(programme.contacts.order_by("date", "pk"))
    points = [(_("健診"), checkup.exam_date, checkup.weight_kg, checkup.waist_cm)]
    points += [
        (contact.get_kind_display(), contact.date, contact.weight_kg, contact.waist_cm)
        for contact in contacts
        if contact.weight_kg is not None or contact.waist_cm is not None
    ]

    def number(value: Decimal | None) -> float | None:
        return float(value) if value is not None else None

    return {
        "labels": [f"{date_in_words(when)} {label!s}" for label, when, _w, _c in points],
        "weight": [number(weight) for _l, _d, weight, _c in points],
        "waist": [number(waist) for _l, _d, _w, waist in points],
        "target_weight": number(programme.target_weight_kg),
        "target_waist": number(programme.target_waist_cm),
    }


def person_programmes(*, actor: Actor, person_id: int) -> list[Programme]:
    """Every programme of one person the actor may see, newest year first (no contacts: the stored result)."""
    return list(
        Programme.objects.visible_to(actor)
        .filter(person_id=person_id)
        .select_related("checkup", "provider", "assigned_staff")
        .order_by("-fiscal_year", "pk")
    )


def programme_baseline(programme: Programme) -> dict[str, Any]:
    """The exam the programme came from, as a provider needs it (SPEC §2, §5.5): date, weight, waist, level,
    the risks that made the level (group, each risk, the exception) in words, and the medication answers."""
    checkup, person = programme.checkup, programme.person
    judgment = checkup.judgment if isinstance(checkup.judgment, dict) else {}
    row = {name: getattr(checkup, name) for name in READ_FIELDS}
    explanation = {lang: explain_checkup(row, sex=person.sex, lang=lang)["stratification"] for lang in ("ja", "en")}
    level = GuidanceLevel(checkup.guidance_level) if checkup.guidance_level else None
    return {
        "exam_date": checkup.exam_date,
        "weight_kg": checkup.weight_kg,
        "waist_cm": checkup.waist_cm,
        "bmi": checkup.bmi,
        "level": {"code": int(level), "label": str(level.label)} if level else None,
        "group": judgment.get("group"),
        "risks": judgment.get("risks", {}),
        "exception": judgment.get("exception"),
        "explanation_ja": explanation["ja"],
        "explanation_en": explanation["en"],
        "medication": {  # 質問票 Q1–Q3 (1 はい, 2 いいえ) and the insurer's re-check (.24020)
            "blood_pressure": checkup.med_blood_pressure,
            "glucose": checkup.med_glucose,
            "lipids": checkup.med_lipids,
            "reconfirmed": checkup.med_reconfirmed,
        },
    }


def programme_targets(programme: Programme) -> dict[str, Any] | None:
    """The weight and waist that reach the 180-point outcome (SPEC §5.5): the 2 cm・2 kg row and the 0.024 row
    (exam weight × 0.024 in kg and cm, recorded to 0.1), which one applies, and the 1 cm・1 kg row (20 points)."""
    checkup = programme.checkup
    goal = main_goal(checkup.weight_kg, checkup.waist_cm)
    if goal is None:
        return None
    weight, waist = goal.exam_weight_kg, goal.exam_waist_cm

    def row(change: Any) -> dict[str, Any]:
        return {
            "change": plain_number(change),
            "weight_kg": weight - change,
            "waist_cm": waist - change if waist else None,
        }

    return {
        "two_cm_two_kg": row(Decimal("2.0")),
        "row_0024": {**row(goal.recordable), "exam_weight_x_0024": plain_number(goal.product)},
        "factor": plain_number(PROPORTIONAL_FACTOR),
        "applies": "row_0024" if goal.proportional else "two_cm_two_kg",
        "reach_180": {"weight_kg": goal.target_weight_kg, "waist_cm": goal.target_waist_cm},
        "one_cm_one_kg": {
            "weight_kg": weight - MINOR_TARGET_WEIGHT_KG,
            "waist_cm": None if waist is None else waist - MINOR_TARGET_WAIST_CM,
        },
        "planned_outcome": programme.planned_outcome,
        "target_weight_kg": programme.target_weight_kg,
        "target_waist_cm": programme.target_waist_cm,
    }


# --- 今日の仕事 (the staff home): each rule here is also the list filter the home links to -----------------------

FINAL_EVALUATION_ACTIONS = ("final_evaluation_due", "final_evaluation_overdue")  # guidance.completion codes


def next_action_q(code: str) -> Q:
    """Programmes whose stored next action (guidance.completion, SPEC §5.6) is `code`."""
    return Q(next_action=code)


def final_evaluation_due_q(*, by: dt.date) -> Q:
    """A final evaluation (SPEC §5.3) that can be held by `by` and would complete the programme: 実績評価待ち or
    実績評価期限超過. A 積極的支援 still short of 180 points needs support first (支援継続, SPEC §5.5), as the
    list label says (guidance.wording.next_action_label), so it is not counted here."""
    short_of_points = Q(level=ProgrammeLevel.INTENSIVE, total_points__lt=COMPLETION_POINTS)
    return Q(next_action__in=FINAL_EVALUATION_ACTIONS, next_action_due__lte=by) & ~short_of_points


@dataclass(frozen=True)
class ProgrammeCounts:
    not_started: dict[int, int]  # ProgrammeLevel value → programmes not started
    contact_overdue: int
    final_evaluation_due: int
    level_decisions: int


def programme_counts(*, actor: Actor, fiscal_year: int, final_due_by: dt.date) -> ProgrammeCounts:
    """What waits in one fiscal year's programmes, in one aggregate query (the staff home)."""
    not_started = {
        f"not_started_{level}": Count("pk", filter=Q(status=ProgrammeStatus.NOT_STARTED, level=level))
        for level in ProgrammeLevel.values
    }
    row = (
        Programme.objects.visible_to(actor)
        .filter(fiscal_year=fiscal_year)
        .aggregate(
            **not_started,
            contact_overdue=Count("pk", filter=next_action_q("contact_overdue")),
            final_evaluation_due=Count("pk", filter=final_evaluation_due_q(by=final_due_by)),
            level_decisions=Count("pk", filter=next_action_q("level_decision_required")),
        )
    )
    return ProgrammeCounts(
        not_started={level: row[f"not_started_{level}"] for level in ProgrammeLevel.values},
        contact_overdue=row["contact_overdue"],
        final_evaluation_due=row["final_evaluation_due"],
        level_decisions=row["level_decisions"],
    )
