"""目標値: the 4th period's targets for FY2029 (SPEC §6.4), the published figures in one place.

These are the defaults the data migration seeds (`rates/migrations/0002_seed_rate_targets.py` keeps its own copy,
as migrations are history); the values in force are the `RateTarget` rows, which staff may edit (SPEC §6.4 ◆
"as editable data"). Percent values; keys are `TargetScope` values (the national row and each insurer type).
"""

from dataclasses import dataclass
from decimal import Decimal

TARGET_FISCAL_YEAR = 2029  # SPEC §6.4: targets for FY2029, the end of the 4th period (FY2024–FY2029)


@dataclass(frozen=True, slots=True)
class TargetPercents:
    checkup: Decimal  # 特定健診実施率 (SPEC §6.1)
    guidance: Decimal  # 特定保健指導実施率 (SPEC §6.2)
    metabolic_reduction: Decimal | None = None  # メタボ該当者・予備群の減少率 vs FY2008 (SPEC §6.3): national only


NATIONAL_TARGETS = TargetPercents(Decimal(70), Decimal(45), Decimal(25))  # SPEC §6.4 全保険者; §6.3: 25 %

# SPEC §6.4: by insurer type (members.codes.InsurerType values)
INSURER_TYPE_TARGETS: dict[str, TargetPercents] = {
    "municipal_nhi": TargetPercents(Decimal(60), Decimal(60)),  # 市町村国保
    "nhi_society": TargetPercents(Decimal(70), Decimal(30)),  # 国保組合
    "kyokai_kenpo": TargetPercents(Decimal(70), Decimal(35)),  # 協会けんぽ (confirmed)
    "single_kenpo": TargetPercents(Decimal(90), Decimal(60)),  # 単一健保
    "joint_kenpo": TargetPercents(Decimal(85), Decimal(30)),  # 総合健保・私学共済
    "mutual_aid": TargetPercents(Decimal(90), Decimal(60)),  # 共済組合 (私学共済除く)
}

# Every target row of FY2029 by TargetScope value.
FY2029_TARGETS: dict[str, TargetPercents] = {"national": NATIONAL_TARGETS, **INSURER_TYPE_TARGETS}
