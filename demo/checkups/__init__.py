"""Demo checkups for seed_demo: FY2023 (3rd-period rules), FY2024 and FY2025 complete, FY2026 under way.

Each fiscal year a realistic share of the targets (SPEC §1.3) has a checkup, varying by employer (55–85 %); FY2026
is about 40 % done by `today`. In FY2024 and FY2025 a fixed set of scenarios is laid on some people so the levels
cover every branch of SPEC §2–§3 (groups A/B, 0–3 risks, smoking counted or not, the 65-or-more exception, medication
Q1–Q3, 判定不能 from missing data, random TG, TG right after a meal, every metabolic result), plus clinic
mismatches (SPEC §2.9), 2-consecutive-years improvers (SPEC §2.8) and people with an incomplete employer checkup
(030) and a clinic checkup (010) in the same year.

Rows are built in bulk from items (the stored form of a received record), then judged and counted with the same
services as an upload (`checkups_choose_counted`, `checkups_judge`), which also create guidance programmes.

items: a record's items by MHLW code; values: random realistic results; scenarios: the rule branches; plans: who
gets a checkup with which values; seeding: the rows, judged and counted.
"""

from .items import EMPLOYER_MISSING, ITEM_DEFS, OID, build_items
from .plans import EMPLOYER_RATES, FAMILY_RATE, SCENARIO_COPIES, SCENARIO_YEARS, YEAR_FACTOR
from .scenarios import SCENARIOS, Scenario
from .seeding import CLINIC_MISMATCH_SHARE, DEMO_FISCAL_YEARS, DOUBLE_CHECKUP_SHARE, seed
from .values import random_answers, random_values

__all__ = [
    "CLINIC_MISMATCH_SHARE",
    "DEMO_FISCAL_YEARS",
    "DOUBLE_CHECKUP_SHARE",
    "EMPLOYER_MISSING",
    "EMPLOYER_RATES",
    "FAMILY_RATE",
    "ITEM_DEFS",
    "OID",
    "SCENARIOS",
    "SCENARIO_COPIES",
    "SCENARIO_YEARS",
    "YEAR_FACTOR",
    "Scenario",
    "build_items",
    "random_answers",
    "random_values",
    "seed",
]
