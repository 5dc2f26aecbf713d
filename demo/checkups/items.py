"""A demo record's items in the stored form of a received one: MHLW item codes, observations, missing items."""

from collections.abc import Mapping
from typing import Any

from checkups.mhlw.document import Observation
from checkups.questionnaire import questions_for

OID = "1.2.392.200119.6."
# item code → (type, unit, answer OID); the codes of formats-notes §2.1 / checkups.items
ITEM_DEFS: Mapping[str, tuple[str, str, str]] = {
    "height": ("9N001000000000001", "PQ", "cm"),
    "weight": ("9N006000000000001", "PQ", "kg"),
    "bmi": ("9N011000000000001", "PQ", "kg/m2"),
    "waist": ("9N016160100000001", "PQ", "cm"),
    "sys1": ("9A751000000000001", "PQ", "mm[Hg]"),
    "sys2": ("9A752000000000001", "PQ", "mm[Hg]"),
    "dia1": ("9A761000000000001", "PQ", "mm[Hg]"),
    "dia2": ("9A762000000000001", "PQ", "mm[Hg]"),
    "timing": ("9N141000000000011", "CD", OID + "2202"),
    "tg_fasting": ("3F015000002327101", "PQ", "mg/dL"),
    "tg_random": ("3F015129902327101", "PQ", "mg/dL"),
    "hdl": ("3F070000002327101", "PQ", "mg/dL"),
    "ldl": ("3F077000002327101", "PQ", "mg/dL"),
    "ast": ("3B035000002327201", "PQ", "U/L"),
    "alt": ("3B045000002327201", "PQ", "U/L"),
    "ggt": ("3B090000002327101", "PQ", "U/L"),
    "glucose_fasting": ("3D010000001926101", "PQ", "mg/dL"),
    "glucose_random": ("3D010129901926101", "PQ", "mg/dL"),
    "hba1c": ("3D046000001906202", "PQ", "%"),
    "urine_glucose": ("1A020000000191111", "CO", OID + "2102"),
    "urine_protein": ("1A010000000191111", "CO", OID + "2102"),
    "clinic_level": ("9N506000000000011", "CD", OID + "3001"),
    "doctor": ("9N511000000000049", "ST", ""),
}
# item keys an employer checkup (030) often lacks for 特定健診 (SPEC §7.1): kept as missing
EMPLOYER_MISSING = ("hba1c", "glucose_fasting", "hdl")


def _item(key: str, value: object) -> tuple[str, dict[str, Any]]:
    code, value_type, extra = ITEM_DEFS[key]
    unit, oid = (extra, "") if value_type == "PQ" else ("", extra)
    observation = Observation(code=code, value_type=value_type, value=str(value), unit=unit, code_system=oid)
    if key == "doctor":
        observation.author_name = "架空医師"
    return code, observation.to_item()


def build_items(values: Mapping[str, object], answers: Mapping[int, int], fiscal_year: int) -> dict[str, Any]:
    """A record's items by MHLW code: measured values (None = not sent) and questionnaire answers by number."""
    items = dict(_item(key, value) for key, value in values.items() if value is not None)
    for question in questions_for(fiscal_year):
        code = answers.get(question.number)
        if code is not None:
            items[question.item_code] = Observation(
                code=question.item_code, value_type="CD", value=str(code), code_system=question.answer_set_oid
            ).to_item()
    return items


def missing_item(key: str) -> dict[str, Any]:
    """The shape of `validation.RecordError` that uploads store for 030 records lacking 特定健診 items."""
    code = ITEM_DEFS[key][0]
    return {
        "field": f"items[{code}]",
        "code": "required_item_missing",
        "value": None,
        "message_ja": f"特定健診の必須項目 {code} がありません (SPEC §9.4)。",
        "message_en": f"Required item {code} for 特定健診 is missing (SPEC §9.4).",
    }
