"""From a checkup row to the stored judgments: guidance level, metabolic judgment, flags and their record.

Plain mappings in, plain column values out, so the same code serves one checkup and a million (bulk job).
The rules themselves live in `stratification.py` and `metabolic.py`; this module only wires them to columns.
"""

from collections.abc import Mapping
from typing import Any

from .metabolic import MetabolicResult, judge_checkup
from .questionnaire import drinks_at_risk, is_current_smoker
from .stratification import INPUT_FIELDS, StratificationInputs, StratificationResult, consecutive_intensive_eligible

# Columns read from a Checkup row (`sex` comes from the person)
READ_FIELDS: tuple[str, ...] = (
    *(name for name in INPUT_FIELDS if name != "sex"),
    "fiscal_year",
    "age_at_fy_end",
    "clinic_guidance_level",
    "clinic_metabolic_judgment",
    "drinking_frequency",
    "drinking_amount",
)
# Columns written back
RESULT_FIELDS: tuple[str, ...] = (
    "guidance_level",
    "guidance_level_without_medication",
    "medication_excluded",
    "metabolic_judgment",
    "judgment",
    "rules_version",
    "bmi",
    "current_smoker",
    "risky_drinking",
    "clinic_mismatch",
    "consecutive_intensive_eligible",
)
# The previous fiscal year's counted checkup, for SPEC §2.8
PREVIOUS_FIELDS: tuple[str, ...] = ("guidance_level", "weight_kg", "waist_cm")


def judgment_record(strat: StratificationResult, metab: MetabolicResult) -> dict[str, Any]:
    """The compact 'why' kept with every result (SPEC §2.7): values used, group, risks, exceptions, missing data.

    Thresholds are not repeated: they follow from the rule-set version, and the explanation in words is
    rebuilt from the stored values with the same rules (`explain_checkup`).
    """
    values: dict[str, str] = {}
    for criterion in (*strat.group_criteria, *metab.required_criteria):
        values[criterion.item] = str(criterion.value)
    for finding in (*strat.risks, metab.glucose, metab.lipids, metab.blood_pressure):
        for criterion in finding.criteria:
            values[criterion.item] = str(criterion.value)
    return {
        "rules": strat.rules_version,
        "group": strat.group,
        "values": values,
        "risks": {finding.name: finding.present for finding in strat.risks},
        "smoking_counted": strat.smoking_counted,
        "level_before_exceptions": int(strat.level_before_exceptions),
        "exception": strat.exception,
        "missing": list(strat.missing),
        "undetermined": list(strat.undetermined_reasons),
        "metabolic": {
            "required": metab.required_met,
            "items": {f.name: f.present for f in (metab.glucose, metab.lipids, metab.blood_pressure)},
            "undetermined": list(metab.undetermined_reasons),
        },
    }


def judge_row(row: Mapping[str, Any], *, sex: int, previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """All judgment columns of one checkup row (SPEC §2, §3, §4.3, §2.8, §2.9)."""
    fiscal_year = row["fiscal_year"]
    inputs = StratificationInputs.from_mapping({**row, "sex": sex})
    strat, metab = judge_checkup(inputs, age_at_fy_end=row["age_at_fy_end"], fiscal_year=fiscal_year)
    clinic_level, clinic_metabolic = row.get("clinic_guidance_level"), row.get("clinic_metabolic_judgment")
    return {
        "guidance_level": int(strat.level),
        "guidance_level_without_medication": int(strat.level_without_medication),
        "medication_excluded": strat.medication_excluded,
        "metabolic_judgment": int(metab.code),
        "judgment": judgment_record(strat, metab),
        "rules_version": strat.rules_version,
        "bmi": strat.bmi,
        "current_smoker": is_current_smoker(row.get("smoking"), fiscal_year),
        "risky_drinking": drinks_at_risk(
            sex, row.get("drinking_frequency"), row.get("drinking_amount"), fiscal_year=fiscal_year
        ),
        # SPEC §2.9: what the clinic sent is kept as sent; a difference is flagged and ours is used
        "clinic_mismatch": (clinic_level is not None and clinic_level != strat.level)
        or (clinic_metabolic is not None and clinic_metabolic != metab.code),
        "consecutive_intensive_eligible": previous is not None
        and consecutive_intensive_eligible(
            previous.get("guidance_level"),
            strat.level,
            previous.get("weight_kg"),
            inputs.weight_kg,
            previous.get("waist_cm"),
            inputs.waist_cm,
            strat.bmi,
        ),
    }


def explain_checkup(row: Mapping[str, Any], *, sex: int, lang: str = "ja") -> dict[str, list[str]]:
    """The stratification and metabolic explanation in words, rebuilt from a checkup's stored values."""
    inputs = StratificationInputs.from_mapping({**row, "sex": sex})
    strat, metab = judge_checkup(inputs, age_at_fy_end=row["age_at_fy_end"], fiscal_year=row["fiscal_year"])
    return {"stratification": strat.explanation(lang), "metabolic": metab.explanation(lang)}
