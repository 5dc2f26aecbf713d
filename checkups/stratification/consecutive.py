"""Two consecutive years of 積極的支援 (SPEC §2.8 ◆): when the second may be 動機付け支援相当."""

from decimal import Decimal

from checkups.codes import GuidanceLevel

D = Decimal

# SPEC §2.8 ◆: improvement needed for 動機付け支援相当 after two years of 積極的支援, by this year's BMI.
CONSECUTIVE_BMI_SPLIT = D(30)
CONSECUTIVE_IMPROVEMENT_BELOW_SPLIT = (D("1.0"), D("1.0"))  # (waist cm, weight kg) when BMI < 30
CONSECUTIVE_IMPROVEMENT_FROM_SPLIT = (D("2.0"), D("2.0"))  # when BMI ≥ 30


def consecutive_intensive_eligible(
    prev_level: int | None,
    this_level: int | None,
    prev_weight: Decimal | None,
    this_weight: Decimal | None,
    prev_waist: Decimal | None,
    this_waist: Decimal | None,
    this_bmi: Decimal | None,
) -> bool:
    """SPEC §2.8 ◆: 積極的支援 last and this fiscal year, and this year's waist and weight improved enough.

    The BMI deciding the threshold is this year's (the checkup the guidance starts from). A reduction of
    ≥ 2.0 cm and ≥ 2.0 kg qualifies whatever the BMI, so only a smaller one needs this year's BMI.
    """
    if prev_level != GuidanceLevel.INTENSIVE or this_level != GuidanceLevel.INTENSIVE:
        return False
    if prev_weight is None or this_weight is None or prev_waist is None or this_waist is None:
        return False
    waist_drop = prev_waist - this_waist
    weight_drop = prev_weight - this_weight
    waist_needed, weight_needed = CONSECUTIVE_IMPROVEMENT_FROM_SPLIT
    if waist_drop >= waist_needed and weight_drop >= weight_needed:
        return True
    if this_bmi is None or this_bmi >= CONSECUTIVE_BMI_SPLIT:
        return False
    waist_needed, weight_needed = CONSECUTIVE_IMPROVEMENT_BELOW_SPLIT
    return waist_drop >= waist_needed and weight_drop >= weight_needed
