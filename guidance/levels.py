"""Programme level from the checkup (SPEC §5.1, §2.8) and the level change of a started programme (SPEC §5.6).

A checkup correction that changes the level of a started programme never changes the programme silently: the
programme keeps its level, the evaluation's next action asks staff to decide (`level_decision_required`), and
staff keep the level or switch it (contacts kept). A correction to a level that makes no programme (情報提供,
判定不能) asks too: staff keep the programme or end it. A decision answers for the checkup level it was taken on;
a later correction to yet another level asks again. Pure.
"""

from checkups.codes import GuidanceLevel
from guidance.codes import ProgrammeLevel

# SPEC §5.1: checkup level → programme level (動機付け支援相当 is a staff choice, SPEC §2.8)
LEVEL_FROM_CHECKUP: dict[int, ProgrammeLevel] = {
    GuidanceLevel.INTENSIVE: ProgrammeLevel.INTENSIVE,
    GuidanceLevel.MOTIVATIONAL: ProgrammeLevel.MOTIVATIONAL,
}


def desired_level(checkup_level: int, current: int | None, equivalent_allowed: bool) -> ProgrammeLevel:
    """A staff choice of 動機付け支援相当 survives while the checkup still allows it (SPEC §2.8)."""
    wanted = LEVEL_FROM_CHECKUP[checkup_level]
    if current == ProgrammeLevel.MOTIVATIONAL_EQUIVALENT and wanted == ProgrammeLevel.INTENSIVE and equivalent_allowed:
        return ProgrammeLevel.MOTIVATIONAL_EQUIVALENT
    return wanted


def pending_level_change(
    *,
    current: int,
    checkup_level: int | None,
    equivalent_allowed: bool,
    started: bool,
    decided_for: int | None,
) -> ProgrammeLevel | None:
    """The level the (corrected) checkup now gives a started programme, when it differs from the programme's and
    staff have not yet decided on this checkup level (SPEC §5.6); None otherwise. A not-started programme simply
    follows its checkup (the sync re-levels it)."""
    if not started or checkup_level not in LEVEL_FROM_CHECKUP or decided_for == checkup_level:
        return None
    wanted = desired_level(checkup_level, current, equivalent_allowed)
    return None if wanted == current else wanted


def pending_level_loss(*, checkup_level: int | None, started: bool, decided_for: int | None) -> bool:
    """The (corrected) checkup of a started programme now gives no programme level (情報提供 or 判定不能) and
    staff have not yet decided on it: they keep the programme or end it (SPEC §5.6 — any level change of a started
    programme is theirs to decide). A not-started programme simply goes (the sync removes it)."""
    return (
        started
        and checkup_level is not None
        and checkup_level not in LEVEL_FROM_CHECKUP
        and decided_for != checkup_level
    )
