"""What the programme page shows (SPEC §5.7): header, timeline of contacts with their points, goals in kg/cm and
the points explained, in the page's language."""

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from ..behaviour import behaviour_changes
from ..codes import BehaviourCategory, ProgrammeLevel
from ..completion import OPEN_STATUSES
from ..goal import goal_numbers, main_goal
from ..level_decisions import level_decision_records, level_question
from ..models import Contact, Programme
from ..points import COMPLETION_POINTS
from ..selectors import programme_trend
from ..wording import dates_in_words, day, missing_points, next_action_sentence
from .forms import goal_text
from .staff import staff_name


def number(value: Decimal | None, unit: str) -> str:
    return "—" if value is None else f"{Decimal(value):.1f} {unit}"


def point_lines(stored: dict[str, Any], contacts_by_pk: dict[int, Contact], *, english: bool) -> list[dict[str, Any]]:
    """The stored evaluation's point lines in the page's language, each with its contact (SPEC §5.7)."""
    return [
        {
            "points": line.get("points", 0),
            "text": dates_in_words(line.get("detail_en" if english else "detail_ja", "")),
            "rule": line.get("rule", ""),
            "spec": line.get("spec", ""),
            "contact": contacts_by_pk.get(line.get("contact")),
        }
        for line in stored.get("lines", [])
    ]


def contact_timeline(contacts: list[Contact], lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per contact: who, behaviour changes, measurements and the points it earned."""
    points_by_contact: dict[int, int] = {}
    for line in lines:
        if line["contact"] is not None:
            points_by_contact[line["contact"].pk] = points_by_contact.get(line["contact"].pk, 0) + line["points"]
    return [
        {
            "contact": c,
            "who": staff_name(c.staff) or (c.provider.name if c.provider else ""),
            "behaviour": [
                BehaviourCategory(b.category).label
                for b in behaviour_changes(c.behaviour_changes)
                if b.category in BehaviourCategory.values
            ],
            "weight": number(c.weight_kg, "kg") if c.weight_kg is not None else "",
            "waist": number(c.waist_cm, "cm") if c.waist_cm is not None else "",
            "points": points_by_contact.get(c.pk),
        }
        for c in contacts
    ]


def programme_page_context(programme: Programme) -> dict[str, Any]:
    """Header, timeline of contacts with their points, goals in kg/cm, the points explained (SPEC §5.7)."""
    today = timezone.localdate()
    checkup, person = programme.checkup, programme.person
    english = get_language() == "en"
    contacts = list(programme.contacts.select_related("staff", "provider").order_by("date", "pk"))
    by_pk = {c.pk: c for c in contacts}
    stored = programme.evaluation if isinstance(programme.evaluation, dict) else {}
    lines = point_lines(stored, by_pk, english=english)
    timeline = contact_timeline(contacts, lines)
    goal = main_goal(checkup.weight_kg, checkup.waist_cm)
    return {
        "programme": programme,
        "person": person,
        "checkup": checkup,
        "intensive": programme.level == ProgrammeLevel.INTENSIVE,
        "closed": programme.status not in OPEN_STATUSES,
        "next_action": next_action_sentence(programme, today=today),
        "overdue": bool((stored.get("next_action") or {}).get("overdue")),
        "missing": missing_points(programme),
        "completion_points": COMPLETION_POINTS,
        "final_earliest": day(stored.get("final_evaluation_earliest")),
        "next_contact_by": day(stored.get("next_contact_by")),
        "timeline": timeline,
        "lines": lines,
        "decision": dates_in_words(stored.get("decision_en" if english else "decision_ja", "")),
        "goal": goal_numbers(goal) if goal else None,
        "goal_proportional": bool(goal and goal.proportional),
        "exam_weight": number(checkup.weight_kg, "kg"),
        "exam_waist": number(checkup.waist_cm, "cm"),
        "target_weight": number(programme.target_weight_kg, "kg"),
        "target_waist": number(programme.target_waist_cm, "cm"),
        "behaviour_goals": [text for text in map(goal_text, programme.behaviour_goals or []) if text],
        "trend": programme_trend(programme, contacts=contacts),
        "assigned_staff_name": staff_name(programme.assigned_staff),
        "level_question": level_question(programme, started=bool(contacts)),
        "level_decisions": level_decision_records(programme),
    }
