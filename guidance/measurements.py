"""Measurements at guidance contacts (SPEC §5.8): the checkup items' plausible ranges (SPEC §9.4). Pure.

The ranges are the checkup items' (`checkups.mhlw.validation_rules.PLAUSIBLE_RANGES`), so a contact accepts
exactly what a checkup file would: weight 20–300 kg, waist 40–250 cm, systolic 50–300, diastolic 30–200 mmHg,
limits included.
"""

from decimal import Decimal

from checkups.items import WAIST_ITEMS
from checkups.mhlw.validation_rules import PLAUSIBLE_RANGES, WEIGHT

SYSTOLIC_ITEM = "9A751000000000001"  # 収縮期血圧(1回目) — the checkup item whose range applies
DIASTOLIC_ITEM = "9A761000000000001"  # 拡張期血圧(1回目)
# Contact field → (plausible range, unit) (SPEC §5.8, §9.4)
CONTACT_MEASUREMENT_RANGES: dict[str, tuple[tuple[Decimal, Decimal], str]] = {
    "weight_kg": (PLAUSIBLE_RANGES[WEIGHT], "kg"),
    "waist_cm": (PLAUSIBLE_RANGES[WAIST_ITEMS[0][0]], "cm"),
    "systolic_mmhg": (PLAUSIBLE_RANGES[SYSTOLIC_ITEM], "mmHg"),
    "diastolic_mmhg": (PLAUSIBLE_RANGES[DIASTOLIC_ITEM], "mmHg"),
}


def out_of_range(field: str, value: Decimal | None) -> tuple[Decimal, Decimal] | None:
    """The range `value` lies outside of, or None when it is inside (limits included) or absent."""
    if value is None:
        return None
    (low, high), _ = CONTACT_MEASUREMENT_RANGES[field]
    return None if low <= value <= high else (low, high)
