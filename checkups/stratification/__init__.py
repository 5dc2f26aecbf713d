"""階層化 (stratification into guidance levels): SPEC §2. Pure functions, rules versioned by fiscal year.

Every threshold lives in one `RuleSet` per period (`RULES_4TH`, `RULES_3RD`); the level table is
`LEVEL_BY_RISK_COUNT`. The value selectors (`judge_*`) are shared with the metabolic judgment (SPEC §3).
Missing data (SPEC §2.6 ◆) is handled by enumerating the unknown yes/no facts, only when something is missing.

One module per step of the SPEC: `rules` (thresholds per period), `inputs` (the values of a checkup), `findings`
(what is recorded), `group` (step 1, §2.2), `risks` (step 2, §2.3), `levels` (steps 3–4, §2.4–§2.6),
`medication` (§2.5a), `result` and `text` (the record and its explanation, §2.7), `steps` (`stratify`) and
`consecutive` (§2.8).
"""

from .consecutive import (
    CONSECUTIVE_BMI_SPLIT,
    CONSECUTIVE_IMPROVEMENT_BELOW_SPLIT,
    CONSECUTIVE_IMPROVEMENT_FROM_SPLIT,
    consecutive_intensive_eligible,
)
from .findings import Criterion, Finding, criterion_to_dict, finding_to_dict
from .group import GROUP_UNDETERMINED, judge_visceral_fat
from .inputs import CODE_FIELDS, DECIMAL_FIELDS, INPUT_FIELDS, StratificationInputs
from .levels import EXCEPTION_AGE, FACTS, LEVEL_BY_RISK_COUNT, Levels
from .medication import EXCEPTION_MEDICATION, on_medication
from .result import StratificationResult
from .risks import (
    judge_blood_pressure,
    judge_glucose,
    judge_lipids,
    judge_smoking,
    usable_glucose,
    usable_triglycerides,
)
from .rules import ANY_TIMING, RULES_3RD, RULES_4TH, RuleSet, rules_for
from .steps import stratify, stratify_judged
from .text import (
    FACT_LABEL,
    FACT_TEXT,
    ITEM_LABEL,
    ITEM_TEXT,
    ITEM_UNIT,
    LEVEL_LABEL,
    LEVEL_TEXT,
    NOTE_LABEL,
    NOTE_TEXT,
    PRESENT_LABEL,
    PRESENT_TEXT,
    SEX_LABEL,
    SEX_TEXT,
    describe_criterion,
    describe_finding,
    explanation_language,
)

__all__ = [
    "ANY_TIMING",
    "CODE_FIELDS",
    "CONSECUTIVE_BMI_SPLIT",
    "CONSECUTIVE_IMPROVEMENT_BELOW_SPLIT",
    "CONSECUTIVE_IMPROVEMENT_FROM_SPLIT",
    "DECIMAL_FIELDS",
    "EXCEPTION_AGE",
    "EXCEPTION_MEDICATION",
    "FACTS",
    "FACT_LABEL",
    "FACT_TEXT",
    "GROUP_UNDETERMINED",
    "INPUT_FIELDS",
    "ITEM_LABEL",
    "ITEM_TEXT",
    "ITEM_UNIT",
    "LEVEL_BY_RISK_COUNT",
    "LEVEL_LABEL",
    "LEVEL_TEXT",
    "NOTE_LABEL",
    "NOTE_TEXT",
    "PRESENT_LABEL",
    "PRESENT_TEXT",
    "RULES_3RD",
    "RULES_4TH",
    "SEX_LABEL",
    "SEX_TEXT",
    "Criterion",
    "Finding",
    "Levels",
    "RuleSet",
    "StratificationInputs",
    "StratificationResult",
    "consecutive_intensive_eligible",
    "criterion_to_dict",
    "describe_criterion",
    "describe_finding",
    "explanation_language",
    "finding_to_dict",
    "judge_blood_pressure",
    "judge_glucose",
    "judge_lipids",
    "judge_smoking",
    "judge_visceral_fat",
    "on_medication",
    "rules_for",
    "stratify",
    "stratify_judged",
    "usable_glucose",
    "usable_triglycerides",
]
