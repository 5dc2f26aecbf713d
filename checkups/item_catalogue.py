"""The item catalogue for integrators (issue #13): what a clinic system may send for each item of a programme.

Generated from the item table (XMLhc24tab, SPEC §9.2/§9.4) and the plausible ranges (SPEC §9.4), so it can never
disagree with what the intake checks. Read by `GET /api/v1/items/?program=010`.
"""

from dataclasses import dataclass
from typing import Any

from .mhlw.itemtable import (
    DETAILED,
    LOWERCASE_GROUP_KEY,
    PROGRAM_EMPLOYER_CHECKUP,
    REQUIRED,
    ItemDef,
    all_items,
)
from .mhlw.validation_rules import PLAUSIBLE_RANGES, SUPPORTED_PROGRAMS

NOT_USED = "0"  # XMLITEM_CASE01/03: 0 = the item is not part of this programme


@dataclass(frozen=True, slots=True)
class Requirement:
    """How a programme needs an item: required, one of a group, detailed checkup (詳細健診), or optional."""

    kind: str  # "required" | "group" | "detailed" | "optional"
    group: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "group": self.group}


def requirement_of(definition: ItemDef, program: str) -> Requirement | None:
    """None when the item does not belong to the programme (CASE column 0)."""
    code = definition.requirement_employer if program == PROGRAM_EMPLOYER_CHECKUP else definition.requirement_checkup
    if code in ("", NOT_USED):
        return None
    if code == REQUIRED:
        return Requirement("required")
    if code == DETAILED:
        return Requirement("detailed")
    if len(code) == 1 and code.isalpha():
        return Requirement("group", LOWERCASE_GROUP_KEY if code.islower() else code)
    return Requirement("optional")


def catalogue(program: str) -> list[dict[str, Any]]:
    """One row per item of the programme, in the item table's order."""
    if program not in SUPPORTED_PROGRAMS:
        raise ValueError(program)
    rows = []
    for definition in all_items():
        requirement = requirement_of(definition, program)
        if requirement is None:
            continue
        plausible = PLAUSIBLE_RANGES.get(definition.code)
        rows.append(
            {
                "code": definition.code,
                "name": definition.name,
                "type": definition.value_type,
                "unit": definition.unit or None,
                "format": definition.format or None,
                "plausible_range": {"min": str(plausible[0]), "max": str(plausible[1])} if plausible else None,
                "answers": [{"code": k, "label": v} for k, v in definition.answers.items()] or None,
                "answer_oid": definition.answer_oid or None,
                "method_codes": [definition.method_code] if definition.method_code else [],
                "requirement": requirement.as_dict(),
            }
        )
    return rows
