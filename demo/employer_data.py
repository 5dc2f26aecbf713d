"""Demo employer data (seed_demo): submissions in all four states for this and last fiscal year, a saved CSV
layout of a fictitious checkup centre, under-40 records, and ≥ 40 records missing the medication questions.
Deterministic for a given population and day."""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from checkups.codes import Source
from checkups.models import Checkup
from employer_data.csv_import import evaluate_row
from employer_data.mapping import ColumnSpec
from employer_data.models import CsvMapping, Submission
from employer_data.services import submissions_refresh
from intake.services import checkup_receive
from members.age_basis import TARGET_AGE_MIN, age_basis, is_target_age
from members.codes import Relationship
from members.fiscal import fiscal_year_of
from members.models import Clinic, Employer, Enrollment, InsuredPerson

DEMO_CLINIC_NUMBER = "9999999998"
YES_NO = {"あり": "1", "なし": "2"}  # 既往歴・自覚症状 etc.: 1 特記すべきことあり / 2 なし
FINDING = {"所見あり": "1", "所見なし": "2", "異常なし": "2"}
DIPSTICK = {"陰性": "1", "-": "1", "±": "2", "+": "3", "2+": "4", "3+": "5"}  # OID .2102 (issue #6 example 陰性→1)
MEDICATION = {"服用あり": "1", "服用なし": "2", "はい": "1", "いいえ": "2"}  # 9N701/706/711: 1 服薬あり 2 なし

# (CSV column, role, item code, recode, conversion): the layout of 架空総合健診センター's export.
DEMO_LAYOUT: list[tuple[str, str, str, dict[str, str], str]] = [
    ("保険証記号", "card_symbol", "", {}, ""),
    ("保険証番号", "card_number", "", {}, ""),
    ("枝番", "card_branch", "", {}, ""),
    ("カナ氏名", "name_kana", "", {}, ""),
    ("性別", "sex", "", {}, ""),
    ("生年月日", "birth_date", "", {}, ""),
    ("受診日", "exam_date", "", {}, ""),
    ("社員番号", "ignore", "", {}, ""),
    ("身長", "item", "9N001000000000001", {}, ""),
    ("体重", "item", "9N006000000000001", {}, ""),
    ("BMI", "item", "9N011000000000001", {}, ""),
    ("腹囲", "item", "9N016160100000001", {}, ""),
    ("業務歴", "item", "9N051000000000049", {}, ""),
    ("既往歴", "item", "9N056000000000011", YES_NO, ""),
    ("自覚症状", "item", "9N061000000000011", YES_NO, ""),
    ("他覚症状", "item", "9N066000000000011", YES_NO, ""),
    ("血圧上", "item", "9A751000000000001", {}, ""),
    ("血圧下", "item", "9A761000000000001", {}, ""),
    ("採血", "item", "9N141000000000011", {"空腹": "2", "随時": "3"}, ""),
    ("中性脂肪(mmol/L)", "item", "3F015000002327101", {}, "triglycerides_mmol_l"),
    ("HDL", "item", "3F070000002327101", {}, ""),
    ("LDL", "item", "3F077000002327101", {}, ""),
    ("AST", "item", "3B035000002327201", {}, ""),
    ("ALT", "item", "3B045000002327201", {}, ""),
    ("γ-GTP", "item", "3B090000002327101", {}, ""),
    ("血糖(mmol/L)", "item", "3D010000001926101", {}, "glucose_mmol_l"),
    ("HbA1c", "item", "3D046000001906202", {}, ""),
    ("尿糖", "item", "1A020000000191111", DIPSTICK, ""),
    ("尿蛋白", "item", "1A010000000191111", DIPSTICK, ""),
    ("血色素", "item", "2A030000001930101", {}, ""),
    ("赤血球", "item", "2A020000001930101", {}, ""),
    ("心電図", "item", "9A110160700000011", FINDING, ""),
    ("心電図対象", "item", "9A110161600000011", {}, ""),
    ("喀痰", "item", "6A010160706170411", FINDING, ""),
    ("喀痰抗酸菌", "item", "6A205000006171711", DIPSTICK, ""),
    ("ガフキー", "item", "6A205165606171711", {"0号": "1"}, ""),
    ("聴力右1000", "item", "9D100163100000011", FINDING, ""),
    ("聴力右4000", "item", "9D100163200000011", FINDING, ""),
    ("聴力左1000", "item", "9D100163500000011", FINDING, ""),
    ("聴力左4000", "item", "9D100163600000011", FINDING, ""),
    ("聴力方法", "item", "9D100164000000011", {"オージオ": "1"}, ""),
    ("視力右", "item", "9E160162100000001", {}, ""),
    ("視力左", "item", "9E160162200000001", {}, ""),
    ("胸部X線", "item", "9N206160700000011", FINDING, ""),
    ("胸部X線所見", "item", "9N206160800000049", {}, ""),
    ("X線撮影日", "item", "9N211161100000049", {}, ""),
    ("フィルム番号", "item", "9N211161200000049", {}, ""),
    ("判定", "item", "9N511000000000049", {}, ""),
    ("判定医", "item", "9N516000000000049", {}, ""),
    ("医師の意見", "item", "9N521000000000049", {}, ""),
    ("意見医", "item", "9N526000000000049", {}, ""),
    ("服薬血圧", "item", "9N701000000000011", MEDICATION, ""),
    ("服薬血糖", "item", "9N706000000000011", MEDICATION, ""),
    ("服薬脂質", "item", "9N711000000000011", MEDICATION, ""),
    ("喫煙", "item", "9N736000000000011", {}, ""),
]
MEDICATION_COLUMNS = ("服薬血圧", "服薬血糖", "服薬脂質", "喫煙")


def layout_json() -> list[dict[str, Any]]:
    return [
        {"column": c, "role": r, "item_code": code, "recode": recode, "conversion": conv}
        for c, r, code, recode, conv in DEMO_LAYOUT
    ]


def _bmi(height: Decimal, weight: Decimal) -> Decimal:
    return (weight / (height / 100) ** 2).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)  # SPEC §2.1


def sample_row(
    person: InsuredPerson, exam_date: dt.date, rng: random.Random, *, questionnaire: bool = True
) -> dict[str, str]:
    """One plausible CSV row of the demo layout for `person` (all 事業者健診 items; questionnaire optional)."""
    height = Decimal(rng.randrange(1500, 1850)) / 10
    weight = Decimal(rng.randrange(450, 950)) / 10
    row = {
        "保険証記号": person.card_symbol,
        "保険証番号": person.card_number,
        "枝番": person.card_branch,
        "カナ氏名": person.name_kana,
        "性別": "男" if person.sex == 1 else "女",
        "生年月日": person.birth_date.strftime("%Y/%m/%d"),
        "受診日": exam_date.strftime("%Y/%m/%d"),
        "社員番号": f"S{person.pk:05d}",
        "身長": str(height),
        "体重": str(weight),
        "BMI": str(_bmi(height, weight)),
        "腹囲": str(Decimal(rng.randrange(680, 980)) / 10),
        "業務歴": "事務職",
        "既往歴": "なし",
        "自覚症状": "なし",
        "他覚症状": "なし",
        "血圧上": str(rng.randrange(100, 150)),
        "血圧下": str(rng.randrange(60, 95)),
        "採血": "空腹",
        "中性脂肪(mmol/L)": f"{rng.uniform(0.6, 2.4):.2f}",
        "HDL": str(rng.randrange(38, 80)),
        "LDL": str(rng.randrange(80, 170)),
        "AST": str(rng.randrange(14, 40)),
        "ALT": str(rng.randrange(10, 45)),
        "γ-GTP": str(rng.randrange(12, 80)),
        "血糖(mmol/L)": f"{rng.uniform(4.6, 6.6):.1f}",
        "HbA1c": f"{rng.uniform(4.9, 6.4):.1f}",
        "尿糖": "陰性",
        "尿蛋白": "陰性",
        "血色素": f"{rng.uniform(12.0, 16.5):.1f}",
        "赤血球": str(rng.randrange(400, 520)),
        "心電図": "所見なし",
        "心電図対象": "0",
        "喀痰": "所見なし",
        "喀痰抗酸菌": "陰性",
        "ガフキー": "0号",
        "聴力右1000": "所見なし",
        "聴力右4000": "所見なし",
        "聴力左1000": "所見なし",
        "聴力左4000": "所見なし",
        "聴力方法": "オージオ",
        "視力右": "1.2",
        "視力左": "1.0",
        "胸部X線": "異常なし",
        "胸部X線所見": "異常なし",
        "X線撮影日": exam_date.strftime("%Y%m%d"),
        "フィルム番号": f"F{person.pk:06d}",
        "判定": "異常なし",
        "判定医": "架空太郎",
        "医師の意見": "就業可",
        "意見医": "架空産業医",
        "服薬血圧": "服用なし",
        "服薬血糖": "服用なし",
        "服薬脂質": "服用なし",
        "喫煙": "いいえ",
    }
    if not questionnaire:
        for column in MEDICATION_COLUMNS:
            row[column] = ""
    return row


# Two employers added by this demo that have not sent anything (their employees have no checkup data): one not
# yet asked, one asked; they swap between the two years. The five roster employers all send some records.
QUIET_EMPLOYERS = (
    ("E006", "架空商事", "総務部 伊藤", "03-0000-0006", "soumu-shoji@example.jp"),
    ("E007", "架空建設", "管理部 渡辺", "048-000-0007", "kanri-kensetsu@example.jp"),
)
QUIET_STAFF = 8  # employees of each quiet employer, ages 25–60
CONFIRMED = {0: ("E001", "E003"), 1: ("E001", "E002")}  # years back → employers confirmed complete (受領済)
RECORDS_PER_EMPLOYER = 8  # per employer-year; enough for the demo pages, fast to seed


def _exam_date(fiscal_year: int, today: dt.date, rng: random.Random) -> dt.date:
    start = dt.date(fiscal_year, 5, 1)
    end = min(dt.date(fiscal_year, 10, 31), today - dt.timedelta(days=7))
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def _quiet_employers(insurer: Any, today: dt.date, rng: random.Random) -> list[Employer]:
    employers = []
    for index, (code, name, person, phone, email) in enumerate(QUIET_EMPLOYERS):
        employer, created = Employer.objects.get_or_create(
            insurer=insurer,
            code=code,
            defaults={
                "name": name,
                "contact_person": person,
                "phone": phone,
                "email": email,
                "address": "埼玉県架空市",
            },
        )
        employers.append(employer)
        if not created:
            continue
        for number in range(QUIET_STAFF):
            age = 25 + number * 5
            staff = InsuredPerson.objects.create(
                insurer=insurer,
                card_symbol="50",
                card_number=f"{700000 + index * 100 + number}",
                card_branch="00",
                name_kana="カクウシャイン",
                sex=1 + number % 2,
                birth_date=today.replace(year=today.year - age, day=1) - dt.timedelta(days=rng.randrange(300)),
                relationship=Relationship.SELF,
                employer=employer,
            )
            Enrollment.objects.create(person=staff, acquired_on=dt.date(2015, 4, 1))
    return employers


def seed(population: Any, *, today: dt.date) -> str:
    rng = random.Random(20261126)
    insurer = population.insurer
    clinic, _ = Clinic.objects.get_or_create(number=DEMO_CLINIC_NUMBER, defaults={"name": "架空総合健診センター"})
    mapping, _ = CsvMapping.objects.get_or_create(
        insurer=insurer,
        name="架空総合健診センター 標準CSV",
        defaults={"clinic": clinic, "columns": layout_json(), "notes": "血糖・中性脂肪は mmol/L で出力される"},
    )
    specs = [ColumnSpec.from_json(c) for c in mapping.columns]
    senders = list(Employer.objects.filter(insurer=insurer).exclude(code__in=[q[0] for q in QUIET_EMPLOYERS]))
    quiet = _quiet_employers(insurer, today, rng)
    current = fiscal_year_of(today)
    stored = under_40 = incomplete = 0
    for back in (0, 1):
        fiscal_year = current - back
        for employer in sorted(senders, key=lambda e: e.code):
            _submission(employer, fiscal_year, requested=True, confirmed=employer.code in CONFIRMED[back])
            staff = list(
                InsuredPerson.objects.filter(employer=employer, relationship=Relationship.SELF).order_by("pk")[:200]
            )
            counts = _seed_records(employer, staff, fiscal_year, today, rng, specs, clinic)
            stored, under_40, incomplete = stored + counts[0], under_40 + counts[1], incomplete + counts[2]
        for index, employer in enumerate(quiet):  # one not asked (none), one asked (requested), swapping by year
            _submission(employer, fiscal_year, requested=(index + back) % 2 == 1, confirmed=False)
        submissions_refresh(insurer_id=insurer.pk, fiscal_year=fiscal_year, received_on=today)
    states = sorted(set(Submission.objects.filter(insurer=insurer).values_list("status", flat=True)))
    return (
        f"{stored} employer checkups ({under_40} under 40, {incomplete} ≥ 40 missing medication answers), "
        f"submission states: {', '.join(states)}"
    )


def _submission(employer: Employer, fiscal_year: int, *, requested: bool, confirmed: bool) -> None:
    Submission.objects.update_or_create(
        employer=employer,
        fiscal_year=fiscal_year,
        defaults={
            "insurer_id": employer.insurer_id,
            "requested_on": dt.date(fiscal_year, 6, 1) if requested else None,
            "due_on": dt.date(fiscal_year, 12, 31) if requested else None,
            "confirmed_complete": confirmed,
            "notes": "デモデータ",
        },
    )


def _seed_records(
    employer: Employer,
    staff: list[InsuredPerson],
    fiscal_year: int,
    today: dt.date,
    rng: random.Random,
    specs: list[ColumnSpec],
    clinic: Clinic,
) -> tuple[int, int, int]:
    young = [p for p in staff if age_basis(p.birth_date, fiscal_year) < TARGET_AGE_MIN]  # SPEC §7.1
    older = [p for p in staff if is_target_age(p.birth_date, fiscal_year)]  # SPEC §1.3
    # people without any checkup of the year yet (the checkups demo already gave many a clinic record)
    seen = set(
        Checkup.objects.filter(person__in=young + older, fiscal_year=fiscal_year).values_list("person_id", flat=True)
    )
    chosen = [p for p in young if p.pk not in seen][:3]
    chosen += [p for p in older if p.pk not in seen][: RECORDS_PER_EMPLOYER - len(chosen)]
    stored = under_40 = incomplete = 0
    for index, person in enumerate(chosen):
        exam = _exam_date(fiscal_year, today, rng)
        questionnaire = index % 3 != 2  # every third record lacks the medication questions
        raw = sample_row(person, exam, rng, questionnaire=questionnaire)
        outcome = evaluate_row(
            0, raw, specs, insurer_number=employer.insurer.number, today=today, clinic=(clinic.number, clinic.name)
        )
        if not outcome.ok or outcome.document is None:
            continue
        result = checkup_receive(
            insurer=employer.insurer,
            document=outcome.document,
            source=Source.EMPLOYER,
            submitted_by_employer=employer,
            missing_items=outcome.missing,
        )
        if result.checkup is not None:
            stored += 1
            under_40 += outcome.under_40
            incomplete += bool(outcome.missing and not outcome.under_40)
    return stored, under_40, incomplete
