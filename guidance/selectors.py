"""Read paths of 特定保健指導, always starting from `visible_to(actor)`."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from members.actors import Actor
from members.normalize import normalize_card_part

from .models import Contact, Programme
from .wording import day as date_in_words


def programme_list(
    *,
    actor: Actor,
    checkup_id: int | None = None,
    status: str | None = None,
    fiscal_year: int | None = None,
    card_number: str | None = None,
) -> QuerySet[Programme]:
    """Programmes the actor may see, newest fiscal year first, with what the API and work list show."""
    queryset = (
        Programme.objects.visible_to(actor)
        .select_related("person", "insurer", "provider", "assigned_staff", "checkup")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("date", "pk")))
        .order_by("-fiscal_year", "pk")
    )
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
