"""From a checkup row to the stored judgments: guidance level, metabolic judgment, flags and their record.

Plain mappings in, plain column values out, so the same code serves one checkup and a million (bulk job).
The rules themselves live in `stratification/` and `metabolic.py`; this module only wires them to columns.
"""

from collections.abc import Mapping
from decimal import Decimal
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
    risks = (strat.blood_pressure, strat.lipids, strat.glucose, strat.smoking)
    items = (metab.glucose, metab.lipids, metab.blood_pressure)
    values: dict[str, str] = {}
    for criterion in (*strat.group_criteria, *metab.required_criteria):
        values[criterion.item] = str(criterion.value)
    for finding in (*risks, *items):
        for criterion in finding.criteria:
            values[criterion.item] = str(criterion.value)
    return {
        "rules": strat.rules_version,
        "group": strat.group,
        "values": values,
        "risks": {finding.name: finding.present for finding in risks},
        "smoking_counted": strat.smoking_counted,
        "level_before_exceptions": int(strat.level_before_exceptions),
        "exception": strat.exception,
        "missing": list(strat.missing),
        "undetermined": list(strat.undetermined_reasons),
        "metabolic": {
            "required": metab.required_met,
            "items": {f.name: f.present for f in items},
            "undetermined": list(metab.undetermined_reasons),
        },
    }


def judge_inputs(
    inputs: StratificationInputs,
    *,
    fiscal_year: int,
    age_at_fy_end: int,
    clinic_level: int | None = None,
    clinic_metabolic: int | None = None,
    drinking_frequency: int | None = None,
    drinking_amount: int | None = None,
    previous_level: int | None = None,
    previous_weight_kg: Decimal | None = None,
    previous_waist_cm: Decimal | None = None,
) -> tuple[Any, ...]:
    """The judgment columns of one checkup, as a tuple in `RESULT_FIELDS` order (SPEC §2, §3, §4.3, §2.8, §2.9).

    The bulk path's entry point (no mapping built per row); `judge_row` is the same as a dict.
    """
    strat, metab = judge_checkup(inputs, age_at_fy_end=age_at_fy_end, fiscal_year=fiscal_year)
    level, metabolic = strat.level, metab.code
    sex = inputs.sex
    return (
        int(level),
        int(strat.level_without_medication),
        strat.medication_excluded,
        int(metabolic),
        judgment_record(strat, metab),
        strat.rules_version,
        strat.bmi,
        is_current_smoker(inputs.smoking, fiscal_year),
        drinks_at_risk(sex, drinking_frequency, drinking_amount, fiscal_year=fiscal_year),
        # SPEC §2.9: what the clinic sent is kept as sent; a difference is flagged and ours is used
        (clinic_level is not None and clinic_level != level)
        or (clinic_metabolic is not None and clinic_metabolic != metabolic),
        # SPEC §2.8: no previous counted checkup (level None) is never eligible
        consecutive_intensive_eligible(
            previous_level,
            level,
            previous_weight_kg,
            inputs.weight_kg,
            previous_waist_cm,
            inputs.waist_cm,
            strat.bmi,
        ),
    )


def judge_row(row: Mapping[str, Any], *, sex: int, previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """All judgment columns of one checkup row (SPEC §2, §3, §4.3, §2.8, §2.9)."""
    inputs = StratificationInputs.from_mapping({**row, "sex": sex})
    previous = previous or {}
    values = judge_inputs(
        inputs,
        fiscal_year=row["fiscal_year"],
        age_at_fy_end=row["age_at_fy_end"],
        clinic_level=row.get("clinic_guidance_level"),
        clinic_metabolic=row.get("clinic_metabolic_judgment"),
        drinking_frequency=row.get("drinking_frequency"),
        drinking_amount=row.get("drinking_amount"),
        previous_level=previous.get("guidance_level"),
        previous_weight_kg=previous.get("weight_kg"),
        previous_waist_cm=previous.get("waist_cm"),
    )
    return dict(zip(RESULT_FIELDS, values, strict=True))


def explain_checkup(row: Mapping[str, Any], *, sex: int, lang: str = "ja") -> dict[str, list[str]]:
    """The stratification and metabolic explanation in words, rebuilt from a checkup's stored values."""
    inputs = StratificationInputs.from_mapping({**row, "sex": sex})
    strat, metab = judge_checkup(inputs, age_at_fy_end=row["age_at_fy_end"], fiscal_year=row["fiscal_year"])
    return {"stratification": strat.explanation(lang), "metabolic": metab.explanation(lang)}
