"""Builders of CheckupDocuments for service and API tests (complete 4th-period records by default)."""

import datetime as dt

from checkups.mhlw.document import CheckupDocument, Observation

# item code → (type, value, unit, answer OID)
COMPLETE_ITEMS: dict[str, tuple[str, str, str, str]] = {
    "9N001000000000001": ("PQ", "170.0", "cm", ""),
    "9N006000000000001": ("PQ", "72.0", "kg", ""),
    "9N011000000000001": ("PQ", "24.9", "kg/m2", ""),
    "9N016160100000001": ("PQ", "88.0", "cm", ""),
    "9N056000000000011": ("CD", "2", "", "1.2.392.200119.6.2001"),
    "9N061000000000011": ("CD", "2", "", "1.2.392.200119.6.2001"),
    "9N066000000000011": ("CD", "2", "", "1.2.392.200119.6.2001"),
    "9A751000000000001": ("PQ", "134", "mm[Hg]", ""),
    "9A752000000000001": ("PQ", "128", "mm[Hg]", ""),
    "9A761000000000001": ("PQ", "86", "mm[Hg]", ""),
    "9A762000000000001": ("PQ", "82", "mm[Hg]", ""),
    "9N141000000000011": ("CD", "2", "", "1.2.392.200119.6.2202"),
    "3F015000002327101": ("PQ", "142", "mg/dL", ""),
    "3F070000002327101": ("PQ", "52", "mg/dL", ""),
    "3F077000002327101": ("PQ", "131", "mg/dL", ""),
    "3B035000002327201": ("PQ", "24", "U/L", ""),
    "3B045000002327201": ("PQ", "28", "U/L", ""),
    "3B090000002327101": ("PQ", "45", "U/L", ""),
    "3D010000001926101": ("PQ", "104", "mg/dL", ""),
    "3D046000001906202": ("PQ", "5.8", "%", ""),
    "1A020000000191111": ("CO", "1", "", "1.2.392.200119.6.2102"),
    "1A010000000191111": ("CO", "1", "", "1.2.392.200119.6.2102"),
    "9N511000000000049": ("ST", "生活習慣の改善を要す", "", ""),
    "9N701000000000011": ("CD", "2", "", "1.2.392.200119.6.2003"),
    "9N706000000000011": ("CD", "2", "", "1.2.392.200119.6.2003"),
    "9N711000000000011": ("CD", "2", "", "1.2.392.200119.6.2003"),
    "9N736000000000011": ("CD", "3", "", "1.2.392.200119.6.24060"),
}


def document(person=None, *, exam_date: dt.date = dt.date(2025, 6, 10), program: str = "010", **overrides):
    """A document for `person` (card, birth date, sex copied) with COMPLETE_ITEMS, overridden by code."""
    items = dict(COMPLETE_ITEMS)
    for code, value in overrides.pop("items", {}).items():
        if value is None:
            items.pop(code, None)
        else:
            items[code] = (
                (*items.get(code, ("PQ", "", "", ""))[:0], *value)
                if isinstance(value, tuple)
                else (items[code][0], value, items[code][2], items[code][3])
            )
    fields = {
        "insurer_number": person.insurer.number if person else "06999999",
        "card_symbol": person.card_symbol if person else "10",
        "card_number": person.card_number if person else "111",
        "card_branch": person.card_branch if person else "00",
        "name_kana": person.name_kana if person else "テストタロウ",
        "sex": person.sex if person else 1,
        "birth_date": person.birth_date if person else dt.date(1970, 1, 1),
        "clinic_number": "9999999999",
        "clinic_name": "X健診クリニック",
        "exam_date": exam_date,
        "program": program,
        **overrides,
    }
    observations = []
    for code, (value_type, value, unit, oid) in items.items():
        observation = Observation(code=code, value_type=value_type, value=value, unit=unit, code_system=oid)
        if code == "9N511000000000049":
            observation.author_name = "架空医師"
        observations.append(observation)
    return CheckupDocument(observations=observations, **fields)
