"""The 特定健診 items an employer checkup still lacks (SPEC §7.1, §9.4), as staff read and fill them: by name, a
missing letter group as "A・B のいずれか", and the item codes the completion form asks for."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from checkups.mhlw.itemtable import PROGRAM_SPECIFIC_CHECKUP, item, required_groups
from infra.i18n import message

ONE_OF = _("%(names)s のいずれか")


def missing_item_codes(missing: list[dict[str, Any]]) -> list[str]:
    """Item codes staff can fill: a missing item itself, or every member of a missing group."""
    codes: list[str] = []
    for entry in missing:
        field = entry.get("field", "")
        if field.startswith("items["):
            codes.append(field[6:-1])
        elif field.startswith("groups["):  # the group's first code (e.g. 腹囲 実測); SPEC §9.4
            members = required_groups(PROGRAM_SPECIFIC_CHECKUP).get(field[7:-1], frozenset())
            codes += sorted(members)[:1]
    return list(dict.fromkeys(codes))


def missing_item_names(missing: list[dict[str, Any]]) -> list[str]:
    """The missing items by name, a missing group as "A・B のいずれか" (SPEC §9.4): words, not field codes."""
    names = []
    for entry in missing:
        field = entry.get("field", "")
        if field.startswith("groups["):
            members = required_groups(PROGRAM_SPECIFIC_CHECKUP).get(field[7:-1], frozenset())
            found = sorted({d.name for code in members if (d := item(code))})
            names.append(str(message(ONE_OF, names="・".join(found))) if found else field)
            continue
        definition = item(field[6:-1]) if field.startswith("items[") else None
        names.append(definition.name if definition else field)
    return names
