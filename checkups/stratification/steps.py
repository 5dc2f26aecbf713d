"""階層化 of one checkup (SPEC §2): the steps in order, with the rules of its fiscal year (SPEC §2.7)."""

from checkups.codes import GuidanceLevel
from members.age_basis import is_senior
from members.fiscal import FOURTH_PERIOD_FIRST_FY

from .findings import Criterion, Finding
from .group import bmi_fact, group_of, judge_visceral_fat
from .inputs import StratificationInputs
from .levels import EXCEPTION_AGE, FACTS, enumerate_levels, levels_known
from .medication import EXCEPTION_MEDICATION, on_medication
from .result import StratificationResult
from .risks import judge_blood_pressure, judge_glucose, judge_lipids, judge_smoking, smoking_counts
from .rules import RULES_3RD, RULES_4TH, RuleSet


def stratify(inputs: StratificationInputs, *, age_at_fy_end: int, fiscal_year: int) -> StratificationResult:
    """階層化 of one checkup (SPEC §2), with the rules of its fiscal year (SPEC §2.7)."""
    rules = RULES_4TH if fiscal_year >= FOURTH_PERIOD_FIRST_FY else RULES_3RD
    visceral = judge_visceral_fat(inputs, rules)
    bp = judge_blood_pressure(inputs, rules)
    return stratify_judged(inputs, rules, visceral, bp, judge_lipids(inputs, rules), age_at_fy_end=age_at_fy_end)


def stratify_judged(
    inputs: StratificationInputs,
    rules: RuleSet,
    visceral: tuple[bool | None, tuple[Criterion, ...]],
    bp: Finding,
    lip: Finding,
    *,
    age_at_fy_end: int,
) -> StratificationResult:
    """`stratify` once the findings it shares with the metabolic judgment are made (`metabolic.judge_checkup`)."""
    a, group_criteria = visceral
    bmi, b = bmi_fact(inputs, rules)
    if bmi is not None and b is not None and not a:
        group_criteria = (*group_criteria, Criterion("bmi", bmi, ">=", rules.bmi, b))
    glu = judge_glucose(inputs, rules, rules.glucose)
    smk = judge_smoking(inputs, rules)
    med = on_medication(inputs, rules)
    senior = is_senior(age_at_fy_end)  # SPEC §2.5b: age basis 65 or more (members.age_basis)
    facts = (a, b, bp.present, lip.present, glu.present, smk.present, med)
    if None in facts:
        (step3, without_med, level), reasons, intensive_possible = enumerate_levels(facts, senior)
        missing = tuple(name for name, fact in zip(FACTS, facts, strict=True) if fact is None)
    else:
        step3, without_med, level = levels_known(*facts, senior)  # type: ignore[arg-type]  # no None: ruled out above
        reasons = missing = ()
        intensive_possible = step3 is GuidanceLevel.INTENSIVE
    risk_count = None
    if bp.present is not None and lip.present is not None and glu.present is not None:
        risk_count = bp.present + lip.present + glu.present
    smoking_counted = smoking_counts(smk, (bp, lip, glu), risk_count)
    exception = EXCEPTION_MEDICATION if med else EXCEPTION_AGE if senior and intensive_possible else None
    return StratificationResult(
        rules.version, level, step3, without_med, group_of(a, b), group_criteria, bmi, bp, lip, glu, smk,
        risk_count, smoking_counted, med, med is True, exception, missing, reasons, inputs.sex, age_at_fy_end,
    )  # fmt: skip
