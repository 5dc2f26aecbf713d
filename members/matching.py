"""Matching a received record to an insured person (SPEC §1.5).

Insurer number + symbol + number + branch, confirmed by birth date and sex, after normalising full-/half-width
forms and spaces. A record that matches nobody is held for staff review by the caller, never dropped.
"""

import datetime as dt
from dataclasses import dataclass

from .models import InsuredPerson, Insurer
from .normalize import normalize_branch, normalize_card_part


@dataclass(frozen=True)
class MatchResult:
    person: InsuredPerson | None
    reason_ja: str = ""
    reason_en: str = ""


def person_match(
    *,
    insurer: Insurer,
    card_symbol: str,
    card_number: str,
    card_branch: str,
    birth_date: dt.date | None,
    sex: int | None,
) -> MatchResult:
    symbol, number, branch = normalize_card_part(card_symbol), normalize_card_part(card_number), card_branch
    candidates = InsuredPerson.objects.filter(insurer=insurer, card_symbol=symbol, card_number=number)
    if branch:
        candidates = candidates.filter(card_branch=normalize_branch(branch))
    people = list(candidates[:5])
    if not people:
        return MatchResult(None, "記号・番号・枝番に一致する加入者がいません", "no insured person with this card")
    confirmed = [p for p in people if p.birth_date == birth_date and p.sex == sex]
    if len(confirmed) == 1:
        return MatchResult(confirmed[0])
    if not confirmed:
        return MatchResult(
            None,
            "記号・番号は一致しますが生年月日または性別が一致しません",
            "the card matches but the birth date or sex does not",
        )
    return MatchResult(
        None, "複数の加入者に一致します(枝番を確認してください)", "several persons match (check the branch)"
    )
