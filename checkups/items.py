"""From the items a clinic sent (keyed by 17-digit MHLW code, XMLhc24tab) to the typed columns the rules read.

Where several codes carry the same quantity (one per method), the first present in the tuple wins. The
questionnaire columns come from `checkups.questionnaire` so the item codes live in one table.
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .codes import WaistMethod
from .mhlw.validation_rules import FASTING_GLUCOSE, FASTING_TRIGLYCERIDES, RANDOM_GLUCOSE, RANDOM_TRIGLYCERIDES
from .questionnaire import questions_for

# column → item codes (formats-notes §2.1; SPEC §2.1)
NUMERIC_ITEMS: dict[str, tuple[str, ...]] = {
    "height_cm": ("9N001000000000001",),
    "weight_kg": ("9N006000000000001",),
    "bmi_reported": ("9N011000000000001",),
    "visceral_fat_area_cm2": ("9N021000000000001",),
    "systolic_1": ("9A751000000000001",),
    "systolic_2": ("9A752000000000001",),
    "systolic_other": ("9A755000000000001",),
    "diastolic_1": ("9A761000000000001",),
    "diastolic_2": ("9A762000000000001",),
    "diastolic_other": ("9A765000000000001",),
    # 3rd-period files carry all TG under the 3F0150000023… codes, read as the fasting column (SPEC §2.7)
    "triglycerides_fasting": FASTING_TRIGLYCERIDES,
    "triglycerides_random": RANDOM_TRIGLYCERIDES,
    "hdl": ("3F070000002327101", "3F070000002327201", "3F070000002399901"),
    "ldl": ("3F077000002327101", "3F077000002327201", "3F077000002399901", "3F077000002391901"),
    "non_hdl": ("3F069000002391901",),
    "ast": ("3B035000002327201", "3B035000002399901"),
    "alt": ("3B045000002327201", "3B045000002399901"),
    "ggt": ("3B090000002327101", "3B090000002399901"),
    "glucose_fasting": FASTING_GLUCOSE,
    "glucose_random": RANDOM_GLUCOSE,
    "hba1c": ("3D046000001906202", "3D046000001920402", "3D046000001927102", "3D046000001999902"),
    "creatinine": ("3C015000002327101", "3C015000002399901"),
    "egfr": ("8A065000002391901",),
    "hemoglobin": ("2A030000001930101",),
    "hematocrit": ("2A040000001930102",),
    "red_blood_cells": ("2A020000001930101",),
}
CODED_ITEMS: dict[str, tuple[str, ...]] = {
    "meal_timing": ("9N141000000000011",),  # 採血時間(食後), OID .2202
    "urine_glucose": ("1A020000000191111", "1A020000000190111"),  # OID .2102
    "urine_protein": ("1A010000000191111", "1A010000000190111"),
    "clinic_guidance_level": ("9N506000000000011",),  # SPEC §2.9: stored as sent
    "clinic_metabolic_judgment": ("9N501000000000011",),
}
# 腹囲 in order of preference: 実測, 自己測定, 自己申告 (SPEC §2.1)
WAIST_ITEMS: tuple[tuple[str, WaistMethod], ...] = (
    ("9N016160100000001", WaistMethod.MEASURED),
    ("9N016160200000001", WaistMethod.SELF_MEASURED),
    ("9N016160300000001", WaistMethod.SELF_REPORTED),
)
# 保険者再確認 服薬1–3 (OID .24020): 1 questionnaire was wrong, 2 medication started after the checkup
RECONFIRM_ITEMS = ("9N702167200000049", "9N707167200000049", "9N712167200000049")

RESULT_COLUMNS: tuple[str, ...] = (
    *NUMERIC_ITEMS,
    *CODED_ITEMS,
    "waist_cm",
    "waist_method",
    "med_reconfirmed",
)


def _usable(item: Mapping[str, Any] | None) -> str | None:
    """The value of an item that was performed and measured (not 未実施, not 測定不能)."""
    if not item or item.get("negated") or item.get("null_flavor"):
        return None
    value = item.get("value")
    return None if value in (None, "") else str(value)


def _decimal(raw: str | None) -> Decimal | None:
    if raw is None:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _code(raw: str | None) -> int | None:
    return int(raw) if raw is not None and raw.isdigit() else None


def _first(items: Mapping[str, Mapping[str, Any]], codes: tuple[str, ...]) -> str | None:
    for code in codes:
        value = _usable(items.get(code))
        if value is not None:
            return value
    return None


def columns_from_items(items: Mapping[str, Mapping[str, Any]], *, fiscal_year: int) -> dict[str, Any]:
    """Typed column values for a Checkup from its items; absent items give None."""
    columns: dict[str, Any] = {name: _decimal(_first(items, codes)) for name, codes in NUMERIC_ITEMS.items()}
    columns.update({name: _code(_first(items, codes)) for name, codes in CODED_ITEMS.items()})
    columns["waist_cm"], columns["waist_method"] = None, None
    for code, method in WAIST_ITEMS:
        value = _decimal(_usable(items.get(code)))
        if value is not None:
            columns["waist_cm"], columns["waist_method"] = value, int(method)
            break
    reconfirm = [_code(_usable(items.get(code))) for code in RECONFIRM_ITEMS]
    columns["med_reconfirmed"] = max((c for c in reconfirm if c is not None), default=None)
    for question in questions_for(fiscal_year):
        columns[question.field] = _code(_usable(items.get(question.item_code)))
    return columns
