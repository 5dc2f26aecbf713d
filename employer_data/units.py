"""Unit conversions for CSV columns sent in other units than the item table's (SPEC §7.2, §9.2). Pure.

Every factor is named with its source. Results are rounded half-up to the item's format (XMLhc24tab
XMLITEM_FORMAT), the same digits a clinic would send.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from checkups.items import NUMERIC_ITEMS
from checkups.mhlw.validation_rules import FASTING_GLUCOSE, FASTING_TRIGLYCERIDES, RANDOM_GLUCOSE, RANDOM_TRIGLYCERIDES

# Item codes per quantity: one table, checkups.items (the codes that fill each typed column)
HDL = NUMERIC_ITEMS["hdl"]
LDL = NUMERIC_ITEMS["ldl"]
NON_HDL = NUMERIC_ITEMS["non_hdl"]
HBA1C_NGSP = NUMERIC_ITEMS["hba1c"]
CREATININE = NUMERIC_ITEMS["creatinine"]
HEIGHT = NUMERIC_ITEMS["height_cm"]


@dataclass(frozen=True)
class Conversion:
    """value_in_table_unit = value × factor + offset."""

    label: str
    from_unit: str
    to_unit: str
    factor: Decimal
    offset: Decimal
    items: tuple[str, ...]
    source: str


CONVERSIONS: dict[str, Conversion] = {
    # Glucose C6H12O6 molar mass 180.16 g/mol: 1 mmol/L = 18.016 mg/dL (issue #6 brief; IUPAC atomic weights).
    "glucose_mmol_l": Conversion(
        "血糖 mmol/L → mg/dL",
        "mmol/L",
        "mg/dL",
        Decimal("18.016"),
        Decimal(0),
        FASTING_GLUCOSE + RANDOM_GLUCOSE,
        "molar mass of glucose 180.16 g/mol",
    ),
    # Triglycerides as triolein 885.7 g/mol: 1 mmol/L = 88.57 mg/dL (conventional SI conversion, e.g. AMA Manual
    # of Style SI conversion table: mg/dL × 0.01129 = mmol/L).
    "triglycerides_mmol_l": Conversion(
        "中性脂肪 mmol/L → mg/dL",
        "mmol/L",
        "mg/dL",
        Decimal("88.57"),
        Decimal(0),
        FASTING_TRIGLYCERIDES + RANDOM_TRIGLYCERIDES,
        "triolein 885.7 g/mol (AMA SI conversion 0.01129)",
    ),
    # Cholesterol 386.65 g/mol: 1 mmol/L = 38.67 mg/dL (AMA SI conversion: mg/dL × 0.02586 = mmol/L).
    "cholesterol_mmol_l": Conversion(
        "コレステロール mmol/L → mg/dL",
        "mmol/L",
        "mg/dL",
        Decimal("38.67"),
        Decimal(0),
        HDL + LDL + NON_HDL,
        "cholesterol 386.65 g/mol (AMA SI conversion 0.02586)",
    ),
    # Creatinine 113.12 g/mol: 1 mg/dL = 88.4 µmol/L.
    "creatinine_umol_l": Conversion(
        "クレアチニン µmol/L → mg/dL",
        "umol/L",
        "mg/dL",
        Decimal(1) / Decimal("88.4"),
        Decimal(0),
        CREATININE,
        "creatinine 113.12 g/mol: 1 mg/dL = 88.4 µmol/L",
    ),
    # HbA1c JDS → NGSP: NGSP(%) = 1.02 × JDS(%) + 0.25 (日本糖尿病学会「糖尿病診断基準に関する調査検討委員会報告」
    # 糖尿病 55(7):485–504, 2012; the official equation used since 2012-04-01).
    "hba1c_jds_to_ngsp": Conversion(
        "HbA1c JDS値 → NGSP値",
        "% (JDS)",
        "% (NGSP)",
        Decimal("1.02"),
        Decimal("0.25"),
        HBA1C_NGSP,
        "JDS 2012: NGSP = 1.02 × JDS + 0.25",
    ),
    "height_m": Conversion("身長 m → cm", "m", "cm", Decimal(100), Decimal(0), HEIGHT, "SI: 1 m = 100 cm"),
}


def convert(value: Decimal, conversion: Conversion, fraction_digits: int | None) -> Decimal:
    """Apply a conversion and round half-up (四捨五入) to the item's fraction digits."""
    result = value * conversion.factor + conversion.offset
    if fraction_digits is None:
        return result.normalize()
    return result.quantize(Decimal(1).scaleb(-fraction_digits), rounding=ROUND_HALF_UP)
