"""What a judgment records: each comparison made (`Criterion`) and each risk found (`Finding`), as JSON too."""

from decimal import Decimal
from typing import Any, NamedTuple


class Criterion(NamedTuple):
    """One value compared with one threshold, for the record and the explanation."""

    item: str
    value: Decimal | int
    op: str  # ">=", "<" or "==" (a questionnaire code)
    threshold: Decimal | int
    met: bool


class Finding(NamedTuple):
    """One risk: present True/False/None (cannot be judged), the comparisons made, and a note why not."""

    name: str
    present: bool | None
    criteria: tuple[Criterion, ...]
    note: str = ""


def criterion_to_dict(criterion: Criterion) -> dict[str, Any]:
    return {
        "item": criterion.item,
        "value": str(criterion.value),
        "op": criterion.op,
        "threshold": str(criterion.threshold),
        "met": criterion.met,
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "present": finding.present,
        "criteria": [criterion_to_dict(c) for c in finding.criteria],
        "note": finding.note,
    }
