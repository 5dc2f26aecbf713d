"""Matching a received record to an insured person (SPEC §1.5).

Insurer number + symbol + number + branch, confirmed by birth date and sex, after normalising full-/half-width
forms and spaces. A record that matches nobody is held for staff review by the caller, never dropped.

One rule (`person_choose`) over the candidates of a card; the candidates of a whole chunk of records come in one
query (`people_by_card`, with their enrollment periods `people_by_card_with_enrollment`), and one record is a
chunk of one (`intake.store`).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from infra.bulk import where_in

from .enrollment import Period
from .hold_reasons import HoldReason
from .models import InsuredPerson
from .normalize import normalize_branch, normalize_card_part

CardKey = tuple[int, str, str]  # (insurer id, normalised symbol, normalised number)
PERSON_COLUMNS = (
    "pk",
    "insurer_id",
    "card_symbol",
    "card_number",
    "card_branch",
    "birth_date",
    "sex",
)  # a PersonRow, in its order


@dataclass(frozen=True, slots=True)
class PersonRow:
    """The columns matching and storing need; lighter than model instances for whole chunks."""

    pk: int
    insurer_id: int
    card_symbol: str
    card_number: str
    card_branch: str
    birth_date: dt.date
    sex: int

    @classmethod
    def of(cls, person: InsuredPerson) -> "PersonRow":
        """The row of a person already at hand (staff chose them)."""
        return cls(*(getattr(person, name) for name in PERSON_COLUMNS))


def card_key(insurer_id: int, card_symbol: str, card_number: str) -> CardKey:
    return insurer_id, normalize_card_part(card_symbol), normalize_card_part(card_number)


def person_choose(
    candidates: Sequence[PersonRow], *, card_branch: str, birth_date: dt.date | None, sex: int | None
) -> tuple[PersonRow | None, HoldReason | None]:
    """The person among a card's candidates (SPEC §1.5), or None with the reason it is held (HoldReason)."""
    if card_branch:
        branch = normalize_branch(card_branch)
        candidates = [p for p in candidates if p.card_branch == branch]
    if not candidates:
        return None, HoldReason.NO_PERSON_MATCH
    confirmed = [p for p in candidates if p.birth_date == birth_date and p.sex == sex]
    if len(confirmed) == 1:
        return confirmed[0], None
    return None, HoldReason.BIRTH_DATE_DIFFERS if not confirmed else HoldReason.SEVERAL_PERSONS


def _by_card(keys: set[CardKey]) -> QuerySet:
    return where_in(
        InsuredPerson.objects.filter(insurer_id__in={k[0] for k in keys}), "card_number", {k[2] for k in keys}
    ).order_by()


def people_by_card(keys: Iterable[CardKey]) -> dict[CardKey, list[PersonRow]]:
    """The candidates of every card, in one query."""
    found, _ = _candidates(set(keys), with_periods=False)
    return found


def people_by_card_with_enrollment(
    keys: Iterable[CardKey],
) -> tuple[dict[CardKey, list[PersonRow]], dict[int, list[Period]]]:
    """The candidates of every card and their enrollment periods (資格, SPEC §9.5), in one query."""
    return _candidates(set(keys), with_periods=True)


def _candidates(
    keys: set[CardKey], *, with_periods: bool
) -> tuple[dict[CardKey, list[PersonRow]], dict[int, list[Period]]]:
    found: dict[CardKey, list[PersonRow]] = {}
    periods: dict[int, list[Period]] = {}
    if not keys:
        return found, periods
    extra = ("enrollments__acquired_on", "enrollments__lost_on") if with_periods else ()
    seen: set[int] = set()
    for row in _by_card(keys).values_list(*PERSON_COLUMNS, *extra):
        person = PersonRow(*row[: len(PERSON_COLUMNS)])
        if with_periods:
            acquired, lost = row[len(PERSON_COLUMNS) :]
            person_periods = periods.setdefault(person.pk, [])
            if acquired is not None:
                person_periods.append((acquired, lost))
        if person.pk in seen:
            continue  # another enrollment period of a person already found
        seen.add(person.pk)
        key = (person.insurer_id, person.card_symbol, person.card_number)
        if key in keys:
            found.setdefault(key, []).append(person)
    return found, periods
