"""The baseline person the stratification and metabolic tests vary one value at a time."""

from decimal import Decimal
from typing import Any

from checkups.stratification import StratificationInputs
from members.codes import Sex

D = Decimal

# A healthy man with complete data: neither group A nor B, no risk, no medication, non-smoker.
HEALTHY: dict[str, Any] = {
    "sex": Sex.MALE,
    "height_cm": D("170.0"),
    "weight_kg": D("60.0"),  # BMI 20.8
    "waist_cm": D("80.0"),
    "systolic_1": D(120),
    "systolic_2": D(120),
    "diastolic_1": D(70),
    "diastolic_2": D(70),
    "meal_timing": 2,
    "triglycerides_fasting": D(100),
    "hdl": D(60),
    "glucose_fasting": D(90),
    "hba1c": D("5.2"),
    "med_blood_pressure": 2,
    "med_glucose": 2,
    "med_lipids": 2,
    "smoking": 3,
}


def inputs(*parts: dict[str, Any], **overrides: Any) -> StratificationInputs:
    """HEALTHY with the given parts and overrides applied, in order."""
    values = dict(HEALTHY)
    for part in parts:
        values.update(part)
    values.update(overrides)
    return StratificationInputs(**values)
