"""The thresholds and codes of each period: one `RuleSet` per period (SPEC §2.1–§2.3, §2.7, §3)."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from members.codes import Sex
from members.fiscal import FOURTH_PERIOD_FIRST_FY

D = Decimal
ANY_TIMING = None  # a RuleSet timing of None: the column is trusted whatever 採血時間 says


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every threshold and code of one period's stratification (SPEC §2) and metabolic judgment (SPEC §3)."""

    version: str
    waist_cm: Mapping[int, Decimal]  # SPEC §2.2, §3.1: ≥ 85 male / ≥ 90 female
    visceral_fat_cm2: Decimal  # SPEC §2.2, §3.1: ≥ 100
    bmi: Decimal  # SPEC §2.2: group B if ≥ 25
    systolic: Decimal  # SPEC §2.3 ①, §3.2: ≥ 130
    diastolic: Decimal  # SPEC §2.3 ①, §3.2: ≥ 85
    triglycerides: Mapping[str, Decimal]  # SPEC §2.3 ②: column → threshold (≥)
    triglycerides_column_by_timing: Mapping[int, str]  # SPEC §2.3 ②: 採血時間 code → usable column
    triglycerides_any_timing: str | None  # 3rd period: the one TG column, whatever the time code
    hdl_below: Decimal  # SPEC §2.3 ②, §3.2: HDL < 40
    glucose: Mapping[str, Decimal]  # SPEC §2.3 ③: item → threshold (≥), in priority order
    metabolic_glucose: Mapping[str, Decimal]  # SPEC §3.2: item → threshold (≥), same priority
    fasting_timings: frozenset[int] | None  # SPEC §2.3 ②③, §9.4: fasting values need 採血時間 2
    random_glucose_timings: frozenset[int] | None  # SPEC §2.3 ③: random glucose needs code 3
    smoking_codes: frozenset[int]  # SPEC §4.2: Q8 answer set of the period
    smoker_code: int  # SPEC §2.3 ④: Q8 = 1
    medication_yes: int  # SPEC §2.5a: Q1–Q3 = 1 はい
    medication_no: int  # SPEC §4.1: 2 いいえ


_WAIST_CM: dict[int, Decimal] = {Sex.MALE: D(85), Sex.FEMALE: D(90)}  # SPEC §2.2
_STRAT_GLUCOSE = {"glucose_fasting": D(100), "hba1c": D("5.6"), "glucose_random": D(100)}  # SPEC §2.3 ③ ◆
_METABOLIC_GLUCOSE = {"glucose_fasting": D(110), "hba1c": D("6.0"), "glucose_random": D(110)}  # SPEC §3.2 ◆

RULES_4TH = RuleSet(
    version="4th",
    waist_cm=_WAIST_CM,
    visceral_fat_cm2=D(100),
    bmi=D(25),
    systolic=D(130),
    diastolic=D(85),
    triglycerides={"triglycerides_fasting": D(150), "triglycerides_random": D(175)},  # SPEC §2.3 ②
    triglycerides_column_by_timing={2: "triglycerides_fasting", 3: "triglycerides_random"},  # SPEC §2.3 ②
    triglycerides_any_timing=None,  # SPEC §2.3 ②: code 4 or no code → unusable
    hdl_below=D(40),
    glucose=_STRAT_GLUCOSE,
    metabolic_glucose=_METABOLIC_GLUCOSE,
    fasting_timings=frozenset({2}),  # SPEC §2.1: 2 = ≥ 10 h
    random_glucose_timings=frozenset({3}),  # SPEC §2.1: 3 = 3.5–10 h; 4 (right after a meal) never
    smoking_codes=frozenset({1, 2, 3}),  # SPEC §4.2 (.24060)
    smoker_code=1,
    medication_yes=1,
    medication_no=2,
)
# SPEC §2.7: before FY2024 there is no random TG and Q8 is yes/no (.2003). The 3rd-period 採血時間 codes differ
# (legacy 1 = < 10 h, formats-notes §1.8), so 3rd-period columns are trusted as named: the fasting TG/glucose
# columns whatever the time code, random glucose (still only without HbA1c) likewise.
RULES_3RD = RuleSet(
    version="3rd",
    waist_cm=_WAIST_CM,
    visceral_fat_cm2=D(100),
    bmi=D(25),
    systolic=D(130),
    diastolic=D(85),
    triglycerides={"triglycerides_fasting": D(150)},
    triglycerides_column_by_timing={},
    triglycerides_any_timing="triglycerides_fasting",
    hdl_below=D(40),
    glucose=_STRAT_GLUCOSE,
    metabolic_glucose=_METABOLIC_GLUCOSE,
    fasting_timings=ANY_TIMING,
    random_glucose_timings=ANY_TIMING,
    smoking_codes=frozenset({1, 2}),  # .2003: 1 はい, 2 いいえ
    smoker_code=1,
    medication_yes=1,
    medication_no=2,
)


def rules_for(fiscal_year: int) -> RuleSet:
    return RULES_4TH if fiscal_year >= FOURTH_PERIOD_FIRST_FY else RULES_3RD
