"""What a programme page says about a level change (SPEC §5.6): the question while a decision waits, in words, and
the decisions taken. Reads only; the decision itself is `guidance.services.programme_decide_level`."""

from dataclasses import dataclass

from checkups.codes import GuidanceLevel
from checkups.mhlw.itemtable import item
from checkups.models import CheckupCorrection
from checkups.selectors import correction_history

from .codes import ProgrammeLevel
from .completion import OPEN_STATUSES
from .levels import pending_level_change, pending_level_loss
from .models import LevelDecisionRecord, Programme


@dataclass(frozen=True)
class LevelQuestion:
    """A started programme whose (corrected) checkup now gives another level: both levels, and what changed."""

    current: ProgrammeLevel
    offered: ProgrammeLevel | None  # None: the corrected checkup gives no programme level (keep it or end it)
    checkup_level: str  # the corrected checkup's 保健指導レベル in words
    correction: CheckupCorrection | None  # the checkup's latest correction (staff or re-send)
    item_name: str  # the corrected item's name from the item table, not its code


def level_question(programme: Programme, *, started: bool) -> LevelQuestion | None:
    """The level decision the programme waits for, or None (one query for the correction when it waits)."""
    if programme.status not in OPEN_STATUSES:
        return None
    checkup = programme.checkup
    common = {"checkup_level": checkup.guidance_level, "started": started, "decided_for": programme.level_decided_for}
    offered = pending_level_change(
        current=programme.level, equivalent_allowed=checkup.consecutive_intensive_eligible, **common
    )
    if offered is None and not pending_level_loss(**common):
        return None
    correction = correction_history(checkup).first()
    definition = item(correction.item_code) if correction else None
    return LevelQuestion(
        current=ProgrammeLevel(programme.level),
        offered=offered,
        checkup_level=str(GuidanceLevel(checkup.guidance_level).label),
        correction=correction,
        item_name=definition.name if definition else "",
    )


def level_decision_records(programme: Programme) -> list[LevelDecisionRecord]:
    """The programme's level decisions, oldest first, with who took them (one query)."""
    return list(programme.level_decisions.select_related("decided_by").order_by("decided_at", "pk"))
