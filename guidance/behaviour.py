"""Behaviour changes at the final evaluation (行動変容, SPEC §5.5 ◆): the date each changed behaviour began.

A category counts when its behaviour has been kept for 2 whole months before the final evaluation. "2 whole
months" is counted like the 3-month rule of SPEC §5.3: from the start date D, the same day of the month two months
later (a day the month lacks becomes its last day: Dec 31 → Feb 28/29); the behaviour counts when the final
evaluation is held on or after that day. Begun 2025-10-10: counts at a final evaluation on 2025-12-10, not on
2025-12-09. A category sent without its start date earns nothing, and a line says why.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from guidance.months import add_months_clamped

BEHAVIOUR_SUSTAINED_MONTHS = 2  # SPEC §5.5: a behaviour change counts only if kept ≥ 2 whole months


@dataclass(frozen=True, order=True)
class BehaviourChange:
    """One changed behaviour: its category (guidance.codes.BehaviourCategory) and the day it began (or None)."""

    category: str
    since: dt.date | None = None

    def as_json(self) -> dict[str, Any]:
        return {"category": self.category, "since": self.since.isoformat() if self.since else None}


def behaviour_change(value: "BehaviourChange | str | Mapping[str, Any]") -> BehaviourChange:
    """A change from what was sent or stored: a bare category string (no start date), or {category, since}."""
    if isinstance(value, BehaviourChange):
        return value
    if isinstance(value, str):
        return BehaviourChange(value)
    since = value.get("since")
    if isinstance(since, str):
        since = dt.date.fromisoformat(since) if since else None
    return BehaviourChange(str(value.get("category", "")), since)


def behaviour_changes(values: Iterable[Any]) -> tuple[BehaviourChange, ...]:
    return tuple(behaviour_change(value) for value in values or ())


def counts_from(since: dt.date) -> dt.date:
    """The first final-evaluation day on which a behaviour begun on `since` has been kept 2 whole months."""
    return add_months_clamped(since, BEHAVIOUR_SUSTAINED_MONTHS)


def sustained(since: dt.date | None, final_on: dt.date) -> bool:
    """Whether a behaviour begun on `since` counts at a final evaluation on `final_on` (SPEC §5.5 ◆)."""
    return since is not None and final_on >= counts_from(since)


def first_per_category(changes: Iterable[BehaviourChange]) -> dict[str, BehaviourChange]:
    """Each category counts once (SPEC §5.5): of several entries the one with the earliest start date."""
    chosen: dict[str, BehaviourChange] = {}
    for change in changes:
        current = chosen.get(change.category)
        if current is None or (change.since is not None and (current.since is None or change.since < current.since)):
            chosen[change.category] = change
    return chosen
