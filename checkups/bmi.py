"""Body mass index (BMI) as the stratification uses it: SPEC §2.1. Pure functions over Decimal."""

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

BMI_QUANTUM = Decimal("0.1")  # SPEC §2.1: rounded to 1 decimal
BMI_ROUNDING = ROUND_HALF_UP  # SPEC §2.1: 四捨五入, not banker's rounding
BMI_WARNING_TOLERANCE = Decimal("0.1")  # SPEC §2.1: a clinic-sent BMI differing by > 0.1 is warned about

_CM2_PER_M2 = Decimal(10000)
# A private context, so a caller that changed the thread's decimal context cannot change a BMI.
_DIVISION = Context(prec=28, rounding=ROUND_HALF_EVEN)


def compute_bmi(height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    """BMI = weight / (height/100)², rounded half-up to 0.1 in decimal arithmetic (SPEC §2.1).

    Computed as weight × 10000 / height² so there is one division and one rounding before the final one.
    """
    if height_cm <= 0:
        raise ValueError(f"height must be positive, got {height_cm}")
    raw = _DIVISION.divide(weight_kg * _CM2_PER_M2, height_cm * height_cm)
    return raw.quantize(BMI_QUANTUM, rounding=BMI_ROUNDING)


def bmi_differs(reported: Decimal | None, computed: Decimal | None) -> bool:
    """True when a clinic-sent BMI differs from ours by more than 0.1 (SPEC §2.1 → warn; ours is used).

    Nothing to compare (either side missing) is not a difference.
    """
    if reported is None or computed is None:
        return False
    return abs(reported - computed) > BMI_WARNING_TOLERANCE
