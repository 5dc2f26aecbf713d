"""The medication exclusion (SPEC §2.5a): a person on medication for BP, glucose or lipids is no guidance target."""

from .inputs import StratificationInputs
from .rules import RuleSet

EXCEPTION_MEDICATION = "medication"  # SPEC §2.5a


def on_medication(inputs: StratificationInputs, rules: RuleSet) -> bool | None:
    """Q1, Q2 or Q3 = はい (SPEC §2.5a); False only when all three answered いいえ."""
    answers = (inputs.med_blood_pressure, inputs.med_glucose, inputs.med_lipids)
    if rules.medication_yes in answers:
        return True
    if answers == (rules.medication_no,) * 3:
        return False
    return None
