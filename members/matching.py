"""Matching a received record to an insured person (SPEC §1.5).

Insurer number + symbol + number + branch, confirmed by birth date and sex, after normalising full-/half-width
forms and spaces. A record that matches nobody is held for staff review by the caller, never dropped.

One rule (`person_choose`) over the candidates of a card; the candidates of a whole chunk of records come in one
query (`people_by_card`), and one record is a chunk of one (`person_match`).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from infra.bulk import where_in

from .models import InsuredPerson, Insurer
from .normalize import normalize_branch, normalize_card_part

NO_CARD = ("記号・番号・枝番に一致する加入者がいません", "no insured person with this card")
NOT_CONFIRMED = (
    "記号・番号は一致しますが生年月日または性別が一致しません",
    "the card matches but the birth date or sex does not",
)
SEVERAL = ("複数の加入者に一致します(枝番を確認してください)", "several persons match (check the branch)")

CardKey = tuple[int, str, str]  # (insurer id, normalised symbol, normalised number)


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


@dataclass(frozen=True)
class MatchResult:
    person: InsuredPerson | None
    reason_ja: str = ""
    reason_en: str = ""


def card_key(insurer_id: int, card_symbol: str, card_number: str) -> CardKey:
    return insurer_id, normalize_card_part(card_symbol), normalize_card_part(card_number)


def person_choose(
    candidates: Sequence[PersonRow], *, card_branch: str, birth_date: dt.date | None, sex: int | None
) -> tuple[PersonRow | None, str, str]:
    """The person among a card's candidates (SPEC §1.5), or None with the reason in Japanese and English."""
    if card_branch:
        branch = normalize_branch(card_branch)
        candidates = [p for p in candidates if p.card_branch == branch]
    if not candidates:
        return None, *NO_CARD
    confirmed = [p for p in candidates if p.birth_date == birth_date and p.sex == sex]
    if len(confirmed) == 1:
        return confirmed[0], "", ""
    return None, *(NOT_CONFIRMED if not confirmed else SEVERAL)


def people_by_card(keys: Iterable[CardKey]) -> dict[CardKey, list[PersonRow]]:
    """The candidates of every card, in one query."""
    keys = set(keys)
    found: dict[CardKey, list[PersonRow]] = {}
    if not keys:
        return found
    rows = (
        where_in(InsuredPerson.objects.filter(insurer_id__in={k[0] for k in keys}), "card_number", {k[2] for k in keys})
        .order_by()
        .values_list("pk", "insurer_id", "card_symbol", "card_number", "card_branch", "birth_date", "sex")
    )
    for row in rows:
        person = PersonRow(*row)
        key = (person.insurer_id, person.card_symbol, person.card_number)
        if key in keys:
            found.setdefault(key, []).append(person)
    return found


def person_match(
    *,
    insurer: Insurer,
    card_symbol: str,
    card_number: str,
    card_branch: str,
    birth_date: dt.date | None,
    sex: int | None,
) -> MatchResult:
    """One record: a chunk of one through the same rule."""
    key = card_key(insurer.pk, card_symbol, card_number)
    row, reason_ja, reason_en = person_choose(
        people_by_card([key]).get(key, []), card_branch=card_branch, birth_date=birth_date, sex=sex
    )
    if row is None:
        return MatchResult(None, reason_ja, reason_en)
    return MatchResult(InsuredPerson.objects.get(pk=row.pk))


def person_row(person: InsuredPerson) -> PersonRow:
    return PersonRow(
        person.pk,
        person.insurer_id,
        person.card_symbol,
        person.card_number,
        person.card_branch,
        person.birth_date,
        person.sex,
    )
