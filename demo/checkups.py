"""Demo checkups for seed_demo: FY2023 (3rd-period rules), FY2024 and FY2025 complete, FY2026 under way.

Each fiscal year a realistic share of the targets (SPEC §1.3) has a checkup, varying by employer (55–85 %); FY2026
is about 40 % done by `today`. In FY2024 and FY2025 a fixed set of scenarios is laid on some people so the levels
cover every branch of SPEC §2–§3 (groups A/B, 0–3 risks, smoking counted or not, the 65-or-more exception, medication
Q1–Q3, 判定不能 from missing data, random TG, TG right after a meal, every metabolic result), plus clinic
mismatches (SPEC §2.9), 2-consecutive-years improvers (SPEC §2.8) and people with an incomplete employer checkup
(030) and a clinic checkup (010) in the same year.

Rows are built in bulk from items (the stored form of a received record), then judged and counted with the same
services as an upload (`checkups_choose_counted`, `checkups_judge`), which also create guidance programmes.
"""

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from checkups.codes import Program, Source
from checkups.items import columns_from_items
from checkups.mhlw.document import Observation
from checkups.models import Checkup
from checkups.questionnaire import questions_for
from demo.population import AGE_EDGE_CARD_PREFIX
from intake.services import checkups_choose_counted, checkups_restratify
from members.age_basis import age_basis, is_senior, is_target_age
from members.codes import Relationship, Sex
from members.fiscal import FOURTH_PERIOD_FIRST_FY, fiscal_year_end, fiscal_year_start
from members.models import Clinic, Enrollment, Exclusion, InsuredPerson

DEMO_FISCAL_YEARS = (2023, 2024, 2025, 2026)
SCENARIO_YEARS = (2024, 2025)
# share of targets with a checkup, by employer index (事業所ごとの差), and the year's factor
EMPLOYER_RATES = (0.86, 0.80, 0.74, 0.66, 0.58)
FAMILY_RATE = 0.55  # dependents (被扶養者) take checkups less often
YEAR_FACTOR: Mapping[int, float] = {2023: 0.93, 2024: 0.97, 2025: 1.0, 2026: 0.58}  # FY2026 ≈ 40 % by today
CLINIC_MISMATCH_SHARE = 0.02
DOUBLE_CHECKUP_SHARE = 0.02
SCENARIO_COPIES = 3

OID = "1.2.392.200119.6."
# item code → (type, unit, answer OID); the codes of formats-notes §2.1 / checkups.items
ITEM_DEFS: Mapping[str, tuple[str, str, str]] = {
    "height": ("9N001000000000001", "PQ", "cm"),
    "weight": ("9N006000000000001", "PQ", "kg"),
    "bmi": ("9N011000000000001", "PQ", "kg/m2"),
    "waist": ("9N016160100000001", "PQ", "cm"),
    "sys1": ("9A751000000000001", "PQ", "mm[Hg]"),
    "sys2": ("9A752000000000001", "PQ", "mm[Hg]"),
    "dia1": ("9A761000000000001", "PQ", "mm[Hg]"),
    "dia2": ("9A762000000000001", "PQ", "mm[Hg]"),
    "timing": ("9N141000000000011", "CD", OID + "2202"),
    "tg_fasting": ("3F015000002327101", "PQ", "mg/dL"),
    "tg_random": ("3F015129902327101", "PQ", "mg/dL"),
    "hdl": ("3F070000002327101", "PQ", "mg/dL"),
    "ldl": ("3F077000002327101", "PQ", "mg/dL"),
    "ast": ("3B035000002327201", "PQ", "U/L"),
    "alt": ("3B045000002327201", "PQ", "U/L"),
    "ggt": ("3B090000002327101", "PQ", "U/L"),
    "glucose_fasting": ("3D010000001926101", "PQ", "mg/dL"),
    "glucose_random": ("3D010129901926101", "PQ", "mg/dL"),
    "hba1c": ("3D046000001906202", "PQ", "%"),
    "urine_glucose": ("1A020000000191111", "CO", OID + "2102"),
    "urine_protein": ("1A010000000191111", "CO", OID + "2102"),
    "clinic_level": ("9N506000000000011", "CD", OID + "3001"),
    "doctor": ("9N511000000000049", "ST", ""),
}
# item keys an employer checkup (030) often lacks for 特定健診 (SPEC §7.1): kept as missing
EMPLOYER_MISSING = ("hba1c", "glucose_fasting", "hdl")


def _item(key: str, value: object) -> tuple[str, dict[str, Any]]:
    code, value_type, extra = ITEM_DEFS[key]
    unit, oid = (extra, "") if value_type == "PQ" else ("", extra)
    observation = Observation(code=code, value_type=value_type, value=str(value), unit=unit, code_system=oid)
    if key == "doctor":
        observation.author_name = "架空医師"
    return code, observation.to_item()


def build_items(values: Mapping[str, object], answers: Mapping[int, int], fiscal_year: int) -> dict[str, Any]:
    """A record's items by MHLW code: measured values (None = not sent) and questionnaire answers by number."""
    items = dict(_item(key, value) for key, value in values.items() if value is not None)
    for question in questions_for(fiscal_year):
        code = answers.get(question.number)
        if code is not None:
            items[question.item_code] = Observation(
                code=question.item_code, value_type="CD", value=str(code), code_system=question.answer_set_oid
            ).to_item()
    return items


def _r(value: float, places: int = 0) -> str:
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
        "height": _r(height, 1),
        "weight": _r(weight, 1),
        "bmi": _r(weight / (height / 100) ** 2, 1),
        "waist": _r(waist, 1),
        "sys1": _r(sys1),
        "sys2": _r(sys1 + rng.gauss(-2, 4)),
        "dia1": _r(dia1),
        "dia2": _r(dia1 + rng.gauss(-1, 3)),
        "timing": 2 if fasting else 3,
        "tg_fasting": _r(tg) if fasting else None,
        "tg_random": None if fasting else _r(tg * 1.15),
        "hdl": _r(max(25, rng.gauss(56 if male else 68, 13))),
        "ldl": _r(max(50, rng.gauss(124, 28))),
        "ast": _r(math.exp(rng.gauss(math.log(22), 0.3))),
        "alt": _r(math.exp(rng.gauss(math.log(21 if male else 16), 0.45))),
        "ggt": _r(math.exp(rng.gauss(math.log(35 if male else 20), 0.55))),
        "glucose_fasting": _r(glucose) if fasting else None,
        "glucose_random": None,
        "hba1c": _r(min(9.5, max(4.6, rng.gauss(5.5 + 0.3 * older, 0.4))), 1),
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


@dataclass(frozen=True)
class Scenario:
    name: str
    senior: bool  # needs age basis 65 or more (SPEC §2.5b) instead of 40–64
    apply: Callable[[dict[str, object], dict[int, int], int], None]


def _healthy(sex: int) -> tuple[dict[str, object], dict[int, int]]:
    values: dict[str, object] = {
        "height": "165.0", "weight": "58.0", "bmi": "21.3", "waist": "78.0" if sex == Sex.MALE else "76.0",
        "sys1": "118", "sys2": "116", "dia1": "72", "dia2": "70", "timing": 2, "tg_fasting": "90", "tg_random": None,
        "hdl": "60", "ldl": "110", "ast": "20", "alt": "18", "ggt": "25", "glucose_fasting": "90",
        "glucose_random": None, "hba1c": "5.2", "urine_glucose": 1, "urine_protein": 1, "doctor": "異常なし",
    }  # fmt: skip
    answers = {1: 2, 2: 2, 3: 2, 8: 3}
    return values, answers


def _group_a(v: dict[str, object], sex: int) -> None:
    v["waist"] = "90.5" if sex == Sex.MALE else "95.0"  # SPEC §2.2: ≥ 85 male / ≥ 90 female


def _group_b(v: dict[str, object], sex: int) -> None:
    v.update(weight="70.0", bmi="25.7")  # SPEC §2.2: BMI ≥ 25 (165 cm, 70 kg), waist below the group-A mark


def _bp(v: dict[str, object]) -> None:
    v.update(sys1="138", sys2="134")  # SPEC §2.3 ①: mean 136 ≥ 130


def _lipids(v: dict[str, object]) -> None:
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


A = lambda v, a, sex: _group_a(v, sex)  # noqa: E731
B = lambda v, a, sex: _group_b(v, sex)  # noqa: E731
BP = lambda v, a, sex: _bp(v)  # noqa: E731
LIP = lambda v, a, sex: _lipids(v)  # noqa: E731
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


def _consecutive(v: dict[str, object], year_index: int, sex: int) -> None:
    """SPEC §2.8: 積極的支援 both years, the second with waist −1.5 cm and weight −1.5 kg (BMI < 30)."""
    _group_a(v, sex)
    _bp(v)
    _glucose(v)
    waist = 93.0 if sex == Sex.MALE else 96.0
    v.update(height="170.0", weight=_r(82.0 - 1.5 * year_index, 1), waist=_r(waist - 1.5 * year_index, 1))
    v["bmi"] = _r(float(str(v["weight"])) / 1.7**2, 1)


# --- Targets and dates ----------------------------------------------------------------------------------------


def _targets(persons: list[InsuredPerson], fiscal_year: int) -> list[InsuredPerson]:
    """SPEC §1.3: enrolled the whole year, age basis 40–74, not excluded during the year."""
    start, end = fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)
    enrolled = set(
        Enrollment.objects.filter(person__in=persons, acquired_on__lte=start)
        .filter(Q(lost_on__isnull=True) | Q(lost_on__gt=end))
        .values_list("person_id", flat=True)
    )
    excluded = set(
        Exclusion.objects.filter(person__in=persons, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .values_list("person_id", flat=True)
    )
    return [
        p
        for p in persons
        if p.pk in enrolled and p.pk not in excluded and is_target_age(p.birth_date, fiscal_year)  # SPEC §1.3
    ]


def _exam_date(rng: random.Random, fiscal_year: int, today: dt.date) -> dt.date:
    first = dt.date(fiscal_year, 4, 10)
    last = min(dt.date(fiscal_year + 1, 2, 28), today - dt.timedelta(days=3))
    return first + dt.timedelta(days=rng.randrange(max(1, (last - first).days)))


@dataclass
class _Plan:
    person: InsuredPerson
    values: dict[str, object]
    answers: dict[int, int]
    program: str = Program.SPECIFIC_CHECKUP
    source: str = Source.CLINIC_API
    missing: tuple[str, ...] = ()


def _checkup(plan: _Plan, fiscal_year: int, exam_date: dt.date, clinic: Clinic | None) -> Checkup:
    items = build_items(plan.values, plan.answers, fiscal_year)
    columns = columns_from_items(items, fiscal_year=fiscal_year)
    person = plan.person
    return Checkup(
        person=person,
        insurer_id=person.insurer_id,
        clinic=clinic,
        submitted_by_clinic=clinic if plan.source == Source.CLINIC_API else None,
        submitted_by_employer_id=person.employer_id if plan.source == Source.EMPLOYER else None,
        exam_date=exam_date,
        fiscal_year=fiscal_year,
        age_at_fy_end=age_basis(person.birth_date, fiscal_year),
        program=plan.program,
        source=plan.source,
        items=items,
        is_complete=not plan.missing,
        missing_items=[_missing(key) for key in plan.missing],
        counts_for_fiscal_year=False,  # decided by checkups_choose_counted
        **{k: v for k, v in columns.items() if hasattr(Checkup, k)},
    )


def _missing(key: str) -> dict[str, Any]:
    """The shape of `validation.RecordError` that uploads store for 030 records lacking 特定健診 items."""
    code = ITEM_DEFS[key][0]
    return {
        "field": f"items[{code}]",
        "code": "required_item_missing",
        "value": None,
        "message_ja": f"特定健診の必須項目 {code} がありません (SPEC §9.4)。",
        "message_en": f"Required item {code} for 特定健診 is missing (SPEC §9.4).",
    }


@transaction.atomic
def seed(population: Any, *, today: dt.date) -> str:
    """Checkups of the demo insurer for FY2023–FY2026 (see the module docstring); returns a one-line summary."""
    rng = random.Random(20260402)
    insurer = population.insurer
    persons = list(InsuredPerson.objects.filter(insurer=insurer).order_by("pk"))
    employer_rank = {e: i for i, e in enumerate(sorted({p.employer_id for p in persons if p.employer_id}))}
    clinics: list[Clinic | None] = list(Clinic.objects.filter(number__startswith="99999999").order_by("number")) or [
        None
    ]
    consecutive_people: list[InsuredPerson] = []
    summary = []
    for fiscal_year in DEMO_FISCAL_YEARS:
        if fiscal_year_start(fiscal_year) > today:
            continue
        targets = _targets(persons, fiscal_year)
        plans: list[_Plan] = []
        scenario_people: dict[int, _Plan] = {}
        if fiscal_year in SCENARIO_YEARS:
            # Issue #14: the age-edge members (demo.population.AGE_EDGES) all get group A with two risks, so their
            # levels show the age basis: 積極的支援 below 65, 動機付け支援 from 65 (SPEC §2.5b), born April 1 included
            for person in targets:
                if person.card_number.startswith(AGE_EDGE_CARD_PREFIX):
                    values, answers = _healthy(person.sex)
                    _group_a(values, person.sex)
                    _bp(values)
                    _lipids(values)
                    scenario_people[person.pk] = _Plan(person, values, answers)
            if not consecutive_people:
                consecutive_people = [
                    p for p in targets if age_basis(p.birth_date, 2025) <= 63 and p.pk not in scenario_people
                ][:5]
            for person in consecutive_people:
                values, answers = _healthy(person.sex)
                _consecutive(values, fiscal_year - SCENARIO_YEARS[0], person.sex)
                scenario_people[person.pk] = _Plan(person, values, answers)
            pool = [p for p in targets if p.pk not in scenario_people]
            rng.shuffle(pool)
            for scenario in SCENARIOS:
                wanted = [p for p in pool if is_senior(age_basis(p.birth_date, fiscal_year)) == scenario.senior][
                    :SCENARIO_COPIES
                ]
                for person in wanted:
                    pool.remove(person)
                    values, answers = _healthy(person.sex)
                    scenario.apply(values, answers, person.sex)
                    scenario_people[person.pk] = _Plan(person, values, answers)
        for person in targets:
            if person.pk in scenario_people:
                plans.append(scenario_people[person.pk])
                continue
            rate = (
                EMPLOYER_RATES[employer_rank.get(person.employer_id or 0, 0) % len(EMPLOYER_RATES)]
                if person.relationship == Relationship.SELF
                else FAMILY_RATE
            )
            if rng.random() >= min(0.95, rate * YEAR_FACTOR[fiscal_year]):
                continue
            age = age_basis(person.birth_date, fiscal_year)
            plans.append(
                _Plan(
                    person,
                    random_values(rng, person.sex, age, fiscal_year),
                    random_answers(rng, person.sex, age, fiscal_year),
                )
            )
        rows: list[Checkup] = []
        for plan in plans:
            exam_date = _exam_date(rng, fiscal_year, today)
            if rng.random() < CLINIC_MISMATCH_SHARE:  # SPEC §2.9: a clinic's own level, kept as sent
                plan.values["clinic_level"] = rng.choice((1, 2, 3))
            rows.append(_checkup(plan, fiscal_year, exam_date, rng.choice(clinics)))
            if plan.person.employer_id and rng.random() < DOUBLE_CHECKUP_SHARE and exam_date.month != 4:
                # an incomplete 事業者健診 (030) from the employer earlier in the year, then the clinic's 010
                employer_plan = _Plan(
                    plan.person,
                    {k: v for k, v in plan.values.items() if k not in EMPLOYER_MISSING and k != "clinic_level"},
                    plan.answers,
                    program=Program.EMPLOYER_CHECKUP,
                    source=Source.EMPLOYER,
                    missing=EMPLOYER_MISSING,
                )
                rows.append(_checkup(employer_plan, fiscal_year, exam_date - dt.timedelta(days=20), None))
        Checkup.objects.bulk_create(rows, batch_size=500)
        checkups_choose_counted(person_ids=[p.pk for p in targets], fiscal_years=[fiscal_year])
        checkups_restratify(fiscal_year=fiscal_year, insurer_id=insurer.pk)  # as `manage.py restratify` does
        counted = {r.person_id for r in rows}
        levels = Counter(
            Checkup.objects.filter(insurer=insurer, fiscal_year=fiscal_year, counts_for_fiscal_year=True).values_list(
                "guidance_level", flat=True
            )
        )
        summary.append(
            f"FY{fiscal_year}: {len(rows)} checkups, {len(counted)}/{len(targets)} targets "
            f"({100 * len(counted) / max(1, len(targets)):.0f} %), levels {dict(sorted(levels.items()))}"
        )
    return "; ".join(summary)
