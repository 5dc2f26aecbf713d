"""A plain-Python reference of the outcome report (SPEC §6.7), programme by programme. Never used in production."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rates.outcome_figures import FollowUpCell, OutcomeCell, OutcomeCounts, mode_of
from rates.reference import PersonFacts

from .statutory_reference import is_target

RULE_CATEGORY = {
    "outcome_2cm_2kg": "2cm2kg",
    "outcome_weight_0024": "2cm2kg",
    "outcome_1cm_1kg": "1cm1kg",
    "behaviour_diet": "diet",
    "behaviour_exercise": "exercise",
    "behaviour_smoking": "smoking",
    "behaviour_rest": "rest",
    "behaviour_other": "other",
}


@dataclass(frozen=True)
class ProgrammeRef:
    status: str
    level: int  # programme level 1, 2, 3
    provider_id: int | None
    final_evaluated: bool
    rules: frozenset[str]
    contacts: tuple[tuple[str, int], ...]  # (kind, form)
    initial_on: dt.date | None


@dataclass(frozen=True)
class CheckupRef:
    fiscal_year: int
    counted: bool  # counts_for_fiscal_year and complete
    level: int | None
    level_without_medication: int | None
    medication_excluded: bool
    waist: Decimal | None
    weight: Decimal | None
    programme: ProgrammeRef | None


@dataclass(frozen=True)
class PersonRef:
    facts: PersonFacts
    checkups: tuple[CheckupRef, ...]


def _mode(programme: ProgrammeRef) -> str | None:
    kinds = {"initial", "initial_part1", "initial_part2", "continuous", "interim"}
    forms = {form for kind, form in programme.contacts if kind in kinds}
    return mode_of(face_to_face=bool(forms & {1, 3}), remote=bool(forms & {2, 4, 5, 6}))


def reference_cells(persons: list[PersonRef], *, insurer_id: int, fiscal_year: int) -> list[OutcomeCell]:
    cells: dict[tuple, OutcomeCounts] = {}
    for person in persons:
        if person.facts.insurer_id != insurer_id:
            continue
        for checkup in person.checkups:
            programme = checkup.programme
            if checkup.fiscal_year != fiscal_year or programme is None:
                continue
            if programme.status == "excluded" or not programme.final_evaluated:
                continue
            level = "motivational" if programme.level == 2 else "intensive"
            key = (fiscal_year, level, programme.provider_id, _mode(programme))
            outcomes = dict.fromkeys(RULE_CATEGORY.values(), 0)
            for rule in programme.rules:
                outcomes[RULE_CATEGORY[rule]] = 1
            one = OutcomeCounts(final_evaluated=1, completed=int(programme.status == "completed"), outcomes=outcomes)
            cells[key] = cells.get(key, OutcomeCounts()) + one
    return [
        OutcomeCell(fiscal_year=k[0], level=k[1], provider_id=k[2], mode=k[3], counts=v)
        for k, v in sorted(cells.items(), key=lambda item: tuple(str(part) for part in item[0]))
    ]


def _is_guidance_target(checkup: CheckupRef) -> bool:
    excluded = checkup.programme is not None and checkup.programme.status == "excluded"
    return checkup.level in (1, 2) and not checkup.medication_excluded and not excluded


def _follow_up_pair(person: PersonRef, *, insurer_id: int, fiscal_year: int) -> tuple[Any, Any] | None:
    """This year's and next year's counted checkups of a target of both years who was a guidance target."""
    facts = person.facts
    if facts.insurer_id != insurer_id:
        return None
    if not (is_target(facts, fiscal_year) and is_target(facts, fiscal_year + 1)):
        return None
    this = [c for c in person.checkups if c.fiscal_year == fiscal_year and c.counted]
    following = [c for c in person.checkups if c.fiscal_year == fiscal_year + 1 and c.counted]
    if not this or not following or not _is_guidance_target(this[0]):
        return None
    return this[0], following[0]


def _follow_up_group(now: Any) -> str | None:
    programme = now.programme
    if programme is not None and programme.status == "completed":
        return "completed"
    if programme is None or programme.initial_on is None:
        return "not_started"
    return None  # started, not completed: in neither group


def _new_tally() -> dict[str, Any]:
    return {"people": 0, "waist_pairs": 0, "waist_change_sum": Decimal(0), "weight_pairs": 0,
            "weight_change_sum": Decimal(0), "level_improved": 0, "left_targets": 0}  # fmt: skip


def _count_pair(tally: dict[str, Any], now: Any, then: Any) -> None:
    tally["people"] += 1
    for measure in ("waist", "weight"):
        before, after = getattr(now, measure), getattr(then, measure)
        if before is not None and after is not None:
            tally[f"{measure}_pairs"] += 1
            tally[f"{measure}_change_sum"] += after - before
    next_level = then.level_without_medication if then.level_without_medication is not None else then.level
    if next_level is not None and next_level <= 3 and now.level is not None and next_level > now.level:
        tally["level_improved"] += 1
    if not _is_guidance_target(then):
        tally["left_targets"] += 1


def reference_follow_up(persons: list[PersonRef], *, insurer_id: int, fiscal_year: int) -> dict[str, FollowUpCell]:
    sums: dict[str, dict] = {}
    for person in persons:
        pair = _follow_up_pair(person, insurer_id=insurer_id, fiscal_year=fiscal_year)
        if pair is None or (group := _follow_up_group(pair[0])) is None:
            continue
        _count_pair(sums.setdefault(group, _new_tally()), *pair)
    return {group: FollowUpCell(group=group, **tally) for group, tally in sums.items()}
