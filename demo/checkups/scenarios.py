"""The FY2024/FY2025 scenarios: a healthy record changed step by step to reach every branch of SPEC §2 and §3."""

from collections.abc import Callable
from dataclasses import dataclass

from members.codes import Sex

from .values import rounded


@dataclass(frozen=True)
class Scenario:
    name: str
    senior: bool  # needs age basis 65 or more (SPEC §2.5b) instead of 40–64
    apply: Callable[[dict[str, object], dict[int, int], int], None]


def healthy(sex: int) -> tuple[dict[str, object], dict[int, int]]:
    values: dict[str, object] = {
        "height": "165.0", "weight": "58.0", "bmi": "21.3", "waist": "78.0" if sex == Sex.MALE else "76.0",
        "sys1": "118", "sys2": "116", "dia1": "72", "dia2": "70", "timing": 2, "tg_fasting": "90", "tg_random": None,
        "hdl": "60", "ldl": "110", "ast": "20", "alt": "18", "ggt": "25", "glucose_fasting": "90",
        "glucose_random": None, "hba1c": "5.2", "urine_glucose": 1, "urine_protein": 1, "doctor": "異常なし",
    }  # fmt: skip
    answers = {1: 2, 2: 2, 3: 2, 8: 3}
    return values, answers


def group_a(v: dict[str, object], sex: int) -> None:
    v["waist"] = "90.5" if sex == Sex.MALE else "95.0"  # SPEC §2.2: ≥ 85 male / ≥ 90 female


def _group_b(v: dict[str, object], sex: int) -> None:
    v.update(weight="70.0", bmi="25.7")  # SPEC §2.2: BMI ≥ 25 (165 cm, 70 kg), waist below the group-A mark


def bp_risk(v: dict[str, object]) -> None:
    v.update(sys1="138", sys2="134")  # SPEC §2.3 ①: mean 136 ≥ 130


def lipid_risk(v: dict[str, object]) -> None:
    v["tg_fasting"] = "180"  # SPEC §2.3 ②: fasting TG ≥ 150


def _glucose(v: dict[str, object]) -> None:
    v.update(glucose_fasting="112", hba1c="6.1")  # SPEC §2.3 ③ / §3.2: ≥ 100 and ≥ 110


def _smoker(a: dict[int, int]) -> None:
    a[8] = 1  # SPEC §2.3 ④


def _s(name: str, senior: bool = False, *steps: Callable[[dict, dict, int], None]) -> Scenario:
    def apply(v: dict[str, object], a: dict[int, int], sex: int) -> None:
        for step in steps:
            step(v, a, sex)

    return Scenario(name, senior, apply)


A = lambda v, a, sex: group_a(v, sex)  # noqa: E731
B = lambda v, a, sex: _group_b(v, sex)  # noqa: E731
BP = lambda v, a, sex: bp_risk(v)  # noqa: E731
LIP = lambda v, a, sex: lipid_risk(v)  # noqa: E731
GLU = lambda v, a, sex: _glucose(v)  # noqa: E731
SMK = lambda v, a, sex: _smoker(a)  # noqa: E731

SCENARIOS: tuple[Scenario, ...] = (
    _s("neither group → 情報提供"),
    _s("A, 0 risks → 情報提供, メタボ非該当", False, A),
    _s("A, 1 risk (BP) → 動機付け, メタボ予備群", False, A, BP),
    _s("A, 2 risks → 積極的, メタボ基準該当", False, A, BP, LIP),
    _s("A, 3 risks → 積極的", False, A, BP, LIP, GLU),
    _s("A, 2 risks, 65–74 → 動機付け (SPEC §2.5b)", True, A, BP, GLU),
    _s("A, 1 risk + smoking counted → 積極的", False, A, GLU, SMK),
    _s("A, 0 risks + smoking not counted → 情報提供", False, A, SMK),
    _s("B, 0 risks → 情報提供", False, B),
    _s("B, 1 risk → 動機付け", False, B, GLU),
    _s("B, 2 risks → 動機付け", False, B, BP, LIP),
    _s("B, 3 risks → 積極的", False, B, BP, LIP, GLU),
    _s("B, 2 risks + smoking → 積極的", False, B, BP, GLU, SMK),
    _s("B, 3 risks, 65–74 → 動機付け", True, B, BP, LIP, GLU),
    _s("Q1 medication → 情報提供 (服薬中)", False, A, BP, LIP, lambda v, a, sex: a.update({1: 1})),
    _s("Q2 medication → 情報提供 (服薬中)", False, A, GLU, LIP, lambda v, a, sex: a.update({2: 1})),
    _s("Q3 medication → 情報提供 (服薬中)", False, B, LIP, BP, GLU, lambda v, a, sex: a.update({3: 1})),
    # SPEC §2.6: no waist, BMI below 25, two risks → group A or none → 判定不能 (metabolic too)
    _s("waist missing → 判定不能", False, BP, GLU, lambda v, a, sex: v.update(waist=None)),
    # SPEC §2.6: group A with lipids present, BP not measured → 1 or 2 risks → 判定不能
    _s("BP missing → 判定不能", False, A, LIP, lambda v, a, sex: v.update(sys1=None, sys2=None, dia1=None, dia2=None)),
    # SPEC §2.3 ②: random TG (code 3) ≥ 175 is a lipid risk; glucose then from HbA1c
    _s("random TG 180 → 動機付け", False, A, lambda v, a, sex: v.update(
        timing=3, tg_fasting=None, tg_random="180", glucose_fasting=None)),
    _s("random TG 170 → 情報提供", False, A, lambda v, a, sex: v.update(
        timing=3, tg_fasting=None, tg_random="170", glucose_fasting=None)),
    # SPEC §2.3 ②: TG drawn < 3.5 h after a meal is not used; BP and HbA1c already make 2 risks
    _s("TG right after a meal ignored → 積極的", False, A, BP, lambda v, a, sex: v.update(
        timing=4, tg_fasting=None, tg_random="320", glucose_fasting=None, hba1c="5.9")),
    _s("HDL 38 → 動機付け", False, A, lambda v, a, sex: v.update(hdl="38")),
    _s("random glucose only (no HbA1c) → 動機付け", False, B, lambda v, a, sex: v.update(
        timing=3, tg_fasting=None, tg_random="120", glucose_fasting=None, hba1c=None, glucose_random="118")),
)  # fmt: skip


def consecutive_improver(v: dict[str, object], year_index: int, sex: int) -> None:
    """SPEC §2.8: 積極的支援 both years, the second with waist −1.5 cm and weight −1.5 kg (BMI < 30)."""
    group_a(v, sex)
    bp_risk(v)
    _glucose(v)
    waist = 93.0 if sex == Sex.MALE else 96.0
    v.update(height="170.0", weight=rounded(82.0 - 1.5 * year_index, 1), waist=rounded(waist - 1.5 * year_index, 1))
    v["bmi"] = rounded(float(str(v["weight"])) / 1.7**2, 1)


# --- Targets and dates ----------------------------------------------------------------------------------------
