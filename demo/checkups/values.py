"""Random but realistic checkup values and questionnaire answers for a person of a given sex and age."""

import math
import random

from checkups.questionnaire import questions_for
from members.codes import Sex
from members.fiscal import FOURTH_PERIOD_FIRST_FY


def rounded(value: float, places: int = 0) -> str:
    return f"{value:.{places}f}"


def random_values(rng: random.Random, sex: int, age: int, fiscal_year: int) -> dict[str, object]:
    """Realistic results for a person of this sex and age (loosely after Japanese 40–74 checkup statistics)."""
    male = sex == Sex.MALE
    older = max(0.0, (age - 40) / 35)
    height = rng.gauss(170.5 - 4 * older, 6) if male else rng.gauss(157.5 - 4 * older, 5.5)
    bmi = min(40.0, max(16.0, rng.gauss(23.8 if male else 22.2, 3.3)))
    weight = bmi * (height / 100) ** 2
    waist = (84 + (bmi - 23.8) * 2.7 if male else 80 + (bmi - 22.2) * 2.8) + rng.gauss(0, 3.5)
    sys1, dia1 = rng.gauss(118 + 16 * older, 14), rng.gauss(75 + 5 * older, 9)
    fasting = rng.random() < 0.85 or fiscal_year < FOURTH_PERIOD_FIRST_FY
    tg = math.exp(rng.gauss(math.log(110 if male else 80), 0.5))
    glucose = math.exp(rng.gauss(math.log(96 + 8 * older), 0.11))
    return {
        "height": rounded(height, 1),
        "weight": rounded(weight, 1),
        "bmi": rounded(weight / (height / 100) ** 2, 1),
        "waist": rounded(waist, 1),
        "sys1": rounded(sys1),
        "sys2": rounded(sys1 + rng.gauss(-2, 4)),
        "dia1": rounded(dia1),
        "dia2": rounded(dia1 + rng.gauss(-1, 3)),
        "timing": 2 if fasting else 3,
        "tg_fasting": rounded(tg) if fasting else None,
        "tg_random": None if fasting else rounded(tg * 1.15),
        "hdl": rounded(max(25, rng.gauss(56 if male else 68, 13))),
        "ldl": rounded(max(50, rng.gauss(124, 28))),
        "ast": rounded(math.exp(rng.gauss(math.log(22), 0.3))),
        "alt": rounded(math.exp(rng.gauss(math.log(21 if male else 16), 0.45))),
        "ggt": rounded(math.exp(rng.gauss(math.log(35 if male else 20), 0.55))),
        "glucose_fasting": rounded(glucose) if fasting else None,
        "glucose_random": None,
        "hba1c": rounded(min(9.5, max(4.6, rng.gauss(5.5 + 0.3 * older, 0.4))), 1),
        "urine_glucose": 1 if rng.random() > 0.03 else 3,
        "urine_protein": 1 if rng.random() > 0.06 else rng.choice((2, 3)),
        "doctor": "異常なし",
    }


def random_answers(rng: random.Random, sex: int, age: int, fiscal_year: int) -> dict[int, int]:
    """Valid answers of the year's questionnaire (SPEC §4); medication and smoking at realistic rates."""
    older = max(0.0, (age - 40) / 35)
    answers = {q.number: rng.choice(q.allowed_codes) for q in questions_for(fiscal_year)}
    answers[1] = 1 if rng.random() < 0.08 + 0.3 * older else 2  # SPEC §2.5a Q1–Q3 (1 はい)
    answers[2] = 1 if rng.random() < 0.03 + 0.08 * older else 2
    answers[3] = 1 if rng.random() < 0.05 + 0.18 * older else 2
    smokes = rng.random() < (0.27 if sex == Sex.MALE else 0.08)
    if fiscal_year >= FOURTH_PERIOD_FIRST_FY:  # SPEC §4.2: 1 はい, 2 以前は吸っていた, 3 いいえ
        answers[8] = 1 if smokes else rng.choice((2, 3, 3, 3))
    else:  # 3rd period yes/no
        answers[8] = 1 if smokes else 2
    return answers


# --- Scenarios (FY2024, FY2025): every branch of SPEC §2 and §3 ------------------------------------------------
