"""The one pass over a record's observations: each is checked, and what the document-level checks read is kept."""

from dataclasses import dataclass

from checkups.mhlw.document import CheckupDocument, Observation
from checkups.mhlw.itemtable import author_parents
from checkups.mhlw.validation_rules import MEAL_TIMING, MEAL_TIMING_RULES, NOT_PERFORMED_REASON

from .observations import check_observation
from .report import ValidationReport


@dataclass(slots=True)
class Scan:
    """What the document-level checks read, gathered in the one pass that checks each observation."""

    present: set[str]  # codes counted as present (see scan_document), author items included
    values: dict[str, str | None]  # code → value (the last observation of a code wins)
    timing: str | None  # 採血時間: the first observation's value
    timed: list[Observation]  # observations with a 採血時間 rule, in document order


def scan_document(doc: CheckupDocument, period: int, report: ValidationReport) -> Scan:
    """`check_observation` for every observation, and in the same pass what the document-level checks read.

    Present: a value or an L/H flag counts; ◆ 未実施/測定不能 counts only when a 9N512 reason is given (anywhere in
    the document).
    """
    rules = MEAL_TIMING_RULES.get(period, {})
    present: set[str] = set()
    reasoned: set[str] = set()  # 未実施/測定不能: present only with a reason
    authored = False
    reason_given = False
    values: dict[str, str | None] = {}
    timing: str | None = None
    timing_seen = False
    timed: list[Observation] = []
    for observation in doc.observations:
        check_observation(observation, period, report)
        code, value = observation.code, observation.value
        values[code] = value
        if observation.negated or observation.null_flavor:
            reasoned.add(code)
        elif value not in (None, "") or observation.out_of_range is not None:
            present.add(code)
        if code == NOT_PERFORMED_REASON and value:
            reason_given = True
        if observation.author_name:
            authored = True
        if code == MEAL_TIMING and not timing_seen:
            timing, timing_seen = value, True
        if code in rules:
            timed.append(observation)
    if reason_given:
        present |= reasoned
    if authored:
        present.update(authored_items(doc))
    return Scan(present, values, timing, timed)


def authored_items(doc: CheckupDocument) -> list[str]:
    """Author items (doctor's names) present through observation/author on one of their parents."""
    authored = {o.code for o in doc.observations if o.author_name}
    return [code for code, parents in author_parents().items() if authored.intersection(parents)]
