"""Generate N synthetic checkups with realistic value distributions for one insurer, fast (PostgreSQL COPY).

Usage (a database of its own; migrations first):

    createdb -h 127.0.0.1 -U postgres tokutei_bench_checkups
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tokutei_bench_checkups
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/generate_checkups.py --rows 1000000 --fiscal-year 2025

Writes one insured person (with enrollment) per checkup, the checkups of `--fiscal-year` (not yet judged) and, for
`--previous-share` of the people, a judged-looking checkup of the year before (so SPEC §2.8 look-ups have work).
Refuses to run on a database whose name does not contain "bench": it replaces the bench insurer's data.
"""

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from checkups.models import Checkup  # noqa: E402
from members.age_basis import age_basis  # noqa: E402
from members.codes import InsurerType, Relationship, Sex  # noqa: E402
from members.models import Clinic, Employer, Enrollment, InsuredPerson, Insurer  # noqa: E402

BENCH_INSURER_NUMBER = "06777777"
# The columns written by COPY, in order; everything the rules read is here (checkups.judgments.READ_FIELDS).
CHECKUP_COLUMNS: tuple[str, ...] = (
    "id", "person_id", "insurer_id", "clinic_id", "submitted_by_clinic_id", "exam_date", "fiscal_year",
    "age_at_fy_end", "program", "source", "items", "height_cm", "weight_kg", "bmi_reported", "waist_cm",
    "waist_method", "visceral_fat_area_cm2", "systolic_1", "systolic_2", "diastolic_1", "diastolic_2",
    "meal_timing", "triglycerides_fasting", "triglycerides_random", "hdl", "ldl", "glucose_fasting",
    "glucose_random", "hba1c", "ast", "alt", "ggt", "urine_glucose", "urine_protein", "med_blood_pressure",
    "med_glucose", "med_lipids", "smoking", "drinking_frequency", "drinking_amount", "clinic_guidance_level",
    "guidance_level", "medication_excluded", "rules_version", "clinic_mismatch", "consecutive_intensive_eligible",
    "is_complete", "missing_items", "counts_for_fiscal_year", "judgment", "created_at", "updated_at",
)  # fmt: skip
VALUE_COLUMNS = CHECKUP_COLUMNS[CHECKUP_COLUMNS.index("height_cm") : CHECKUP_COLUMNS.index("clinic_guidance_level")]
# item code of each typed column, to fill `items` like a received record (checkups.items)
ITEM_CODES: dict[str, tuple[str, str]] = {
    "height_cm": ("9N001000000000001", "cm"),
    "weight_kg": ("9N006000000000001", "kg"),
    "bmi_reported": ("9N011000000000001", "kg/m2"),
    "waist_cm": ("9N016160100000001", "cm"),
    "systolic_1": ("9A751000000000001", "mm[Hg]"),
    "systolic_2": ("9A752000000000001", "mm[Hg]"),
    "diastolic_1": ("9A761000000000001", "mm[Hg]"),
    "diastolic_2": ("9A762000000000001", "mm[Hg]"),
    "meal_timing": ("9N141000000000011", ""),
    "triglycerides_fasting": ("3F015000002327101", "mg/dL"),
    "triglycerides_random": ("3F015129902327101", "mg/dL"),
    "hdl": ("3F070000002327101", "mg/dL"),
    "ldl": ("3F077000002327101", "mg/dL"),
    "glucose_fasting": ("3D010000001926101", "mg/dL"),
    "glucose_random": ("3D010129901926101", "mg/dL"),
    "hba1c": ("3D046000001906202", "%"),
    "ast": ("3B035000002327201", "U/L"),
    "alt": ("3B045000002327201", "U/L"),
    "ggt": ("3B090000002327101", "U/L"),
    "urine_glucose": ("1A020000000191111", ""),
    "urine_protein": ("1A010000000191111", ""),
    "med_blood_pressure": ("9N701000000000011", ""),
    "med_glucose": ("9N706000000000011", ""),
    "med_lipids": ("9N711000000000011", ""),
    "smoking": ("9N736000000000011", ""),
    "drinking_frequency": ("9N786000000000011", ""),
    "drinking_amount": ("9N791000000000011", ""),
}


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _f1(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


@dataclass(frozen=True)
class _Draw:
    """The person-level draws a record's values are derived from (drawn first, in this order)."""

    male: bool
    height: float
    bmi: float
    weight: float
    waist: float
    blood_pressure: tuple[float, float, float, float]  # sys1, dia1, sys2, dia2
    timing: int
    tg: float
    hdl: float
    glucose: float
    hba1c: float
    medication: tuple[bool, bool, bool]  # blood pressure, glucose, lipids
    smoking: int
    frequency: int


def _draw(rng: random.Random, male: bool, older: float) -> _Draw:
    height = rng.gauss(170.5 - 4 * older, 6) if male else rng.gauss(157.5 - 4 * older, 5.5)
    bmi = _clamp(rng.gauss(23.8 if male else 22.2, 3.4), 15, 45)
    weight = bmi * (height / 100) ** 2
    waist = (84 + (bmi - 23.8) * 2.7 if male else 80 + (bmi - 22.2) * 2.8) + rng.gauss(0, 3.5)
    sys1 = rng.gauss(118 + 16 * older, 15)
    dia1 = rng.gauss(75 + 5 * older, 10)
    sys2, dia2 = sys1 + rng.gauss(-2, 5), dia1 + rng.gauss(-1, 4)
    roll = rng.random()
    timing = 2 if roll < 0.82 else 3 if roll < 0.97 else 4  # SPEC §2.1 採血時間 codes
    tg = _clamp(math.exp(rng.gauss(math.log(110 if male else 80), 0.5)), 25, 2000)
    hdl = _clamp(rng.gauss(56 if male else 68, 14), 15, 150)
    glucose = _clamp(math.exp(rng.gauss(math.log(97 + 8 * older), 0.12)), 60, 400)
    hba1c = _clamp(rng.gauss(5.5 + 0.3 * older, 0.45), 4.0, 14.0)
    on_bp = rng.random() < 0.08 + 0.35 * older
    on_glucose = rng.random() < 0.03 + 0.09 * older
    on_lipids = rng.random() < 0.05 + 0.2 * older
    smoke_roll = rng.random()
    smoking = (
        (1 if smoke_roll < 0.27 else 2 if smoke_roll < 0.45 else 3)
        if male
        else (1 if smoke_roll < 0.08 else 2 if smoke_roll < 0.14 else 3)
    )
    frequency = rng.choice((1, 1, 2, 3, 4, 5, 6, 7, 8, 8))
    return _Draw(
        male, height, bmi, weight, waist, (sys1, dia1, sys2, dia2), timing, tg, hdl, glucose, hba1c,
        (on_bp, on_glucose, on_lipids), smoking, frequency,
    )  # fmt: skip


def _body_and_lipids(rng: random.Random, d: _Draw) -> dict[str, object]:
    sys1, dia1, sys2, dia2 = d.blood_pressure
    return {
        "height_cm": _f1(d.height),
        "weight_kg": _f1(d.weight),
        "bmi_reported": _f1(d.bmi),
        "waist_cm": _f1(d.waist) if rng.random() > 0.01 else None,  # ~1 %: not measured (SPEC §2.6 path)
        "waist_method": 1,  # 実測
        "visceral_fat_area_cm2": _f1(_clamp(rng.gauss(95, 35), 20, 300)) if rng.random() < 0.02 else None,
        "systolic_1": _f1(round(sys1)),
        "systolic_2": _f1(round(sys2)) if rng.random() > 0.05 else None,  # one reading allowed (SPEC §2.1)
        "diastolic_1": _f1(round(dia1)),
        "diastolic_2": _f1(round(dia2)) if rng.random() > 0.05 else None,
        "meal_timing": d.timing,
        "triglycerides_fasting": _f1(round(d.tg)) if d.timing == 2 else None,
        "triglycerides_random": _f1(round(d.tg * 1.15)) if d.timing != 2 else None,
        "hdl": _f1(round(d.hdl)),
        "ldl": _f1(round(_clamp(rng.gauss(124, 30), 30, 300))),
    }


def _glucose_liver_urine(rng: random.Random, d: _Draw) -> dict[str, object]:
    return {
        "glucose_fasting": _f1(round(d.glucose)) if d.timing == 2 and rng.random() > 0.15 else None,
        "glucose_random": _f1(round(d.glucose * 1.2)) if d.timing == 3 and rng.random() > 0.5 else None,
        "hba1c": _f1(d.hba1c) if rng.random() > 0.04 else None,
        "ast": _f1(round(math.exp(rng.gauss(math.log(22), 0.35)))),
        "alt": _f1(round(math.exp(rng.gauss(math.log(22 if d.male else 16), 0.5)))),
        "ggt": _f1(round(math.exp(rng.gauss(math.log(35 if d.male else 20), 0.6)))),
        "urine_glucose": 1 if rng.random() > 0.03 else rng.choice((2, 3, 4)),
        "urine_protein": 1 if rng.random() > 0.06 else rng.choice((2, 3, 4)),
    }


def _questionnaire(rng: random.Random, d: _Draw) -> dict[str, object]:
    on_bp, on_glucose, on_lipids = d.medication
    return {
        "med_blood_pressure": 1 if on_bp else 2,
        "med_glucose": 1 if on_glucose else 2,
        "med_lipids": 1 if on_lipids else 2,
        "smoking": d.smoking if rng.random() > 0.005 else None,
        "drinking_frequency": d.frequency,
        "drinking_amount": rng.choice((1, 1, 2, 2, 3, 4, 5)) if d.frequency <= 5 else None,
    }


def checkup_values(rng: random.Random, sex: int, age: int) -> dict[str, object]:
    """One person's results: distributions loosely shaped on Japanese 40–74 checkup statistics.

    The draws happen in a fixed order (person facts, then each group of columns), so a seed gives the same data.
    """
    older = (age - 40) / 35  # 0 at 40, 1 at 75
    d = _draw(rng, sex == Sex.MALE, older)
    body = _body_and_lipids(rng, d)
    lab = _glucose_liver_urine(rng, d)
    return {**body, **lab, **_questionnaire(rng, d)}


def items_json(values: dict[str, object]) -> str:
    """The record's items by MHLW code, compact (type, value, unit): what `items` holds for a received record."""
    items = {}
    for column, (code, unit) in ITEM_CODES.items():
        value = values.get(column)
        if value is not None:
            items[code] = {"type": "CD" if not unit else "PQ", "value": str(value), "unit": unit}
    return json.dumps(items, separators=(",", ":"))


def _rows(
    rng: random.Random,
    people: list[tuple[int, int, dt.date]],
    *,
    first_id: int,
    insurer_id: int,
    clinic_ids: list[int],
    fiscal_year: int,
    judged: bool,
) -> Iterator[tuple]:
    now = timezone.now()
    start = dt.date(fiscal_year, 4, 1)
    for offset, (person_id, sex, birth_date) in enumerate(people):
        age = age_basis(birth_date, fiscal_year)
        values = checkup_values(rng, sex, age)
        clinic_id = rng.choice(clinic_ids)
        clinic_level = rng.choice((1, 2, 3)) if rng.random() < 0.02 else None
        level = rng.choice((1, 2, 3, 3, 3, 3)) if judged else None
        yield (
            first_id + offset, person_id, insurer_id, clinic_id, clinic_id,
            start + dt.timedelta(days=rng.randrange(0, 330)), fiscal_year, age, "010", "file_import",
            items_json(values), *(values[c] for c in VALUE_COLUMNS), clinic_level,
            level, False, "4th" if judged else "", False, False, True, "[]", True, "{}", now, now,
        )  # fmt: skip


def _reserve_ids(table: str, count: int) -> int:
    """Reserve `count` ids of an identity column; returns the first."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        first = cursor.fetchone()[0] + 1
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [first + count])
    return first


def _copy(table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> int:
    raw = connection.connection  # psycopg 3 connection under Django's wrapper
    count = 0
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def reset(insurer: Insurer) -> None:
    """Remove the bench insurer's previous data (the bench database only)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE guidance_contact, guidance_programme, checkups_checkupcorrection CASCADE")
        cursor.execute("DELETE FROM checkups_checkup WHERE insurer_id = %s", [insurer.pk])
        cursor.execute(
            "DELETE FROM members_enrollment WHERE person_id IN (SELECT id FROM members_insuredperson"
            " WHERE insurer_id = %s)",
            [insurer.pk],
        )
        cursor.execute("DELETE FROM members_insuredperson WHERE insurer_id = %s", [insurer.pk])


@transaction.atomic
def generate(*, rows: int, fiscal_year: int, previous_share: float, seed: int) -> dict[str, float]:
    if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("run on a PostgreSQL database whose name contains 'bench' (it replaces data)")
    rng = random.Random(seed)
    started = time.monotonic()
    insurer, _ = Insurer.objects.get_or_create(
        number=BENCH_INSURER_NUMBER, defaults={"name": "ベンチマーク健保", "insurer_type": InsurerType.SINGLE_KENPO}
    )
    reset(insurer)
    with connection.cursor() as cursor:
        # Bench data is consistent by construction: skip per-row foreign-key triggers during COPY (superuser).
        cursor.execute("SET LOCAL session_replication_role = replica")
    employers = [
        Employer.objects.get_or_create(insurer=insurer, code=f"B{i:03d}", defaults={"name": f"ベンチ事業所{i}"})[0]
        for i in range(20)
    ]
    clinic_ids = [
        Clinic.objects.get_or_create(number=f"{8800000000 + i:010d}", defaults={"name": f"ベンチ健診機関{i}"})[0].pk
        for i in range(50)
    ]
    first_person = _reserve_ids(InsuredPerson._meta.db_table, rows)
    fy_end = dt.date(fiscal_year + 1, 3, 31)
    people: list[tuple[int, int, dt.date]] = []
    now = timezone.now()

    def person_rows() -> Iterator[tuple]:
        for i in range(rows):
            sex = Sex.MALE if rng.random() < 0.56 else Sex.FEMALE
            age = rng.randrange(40, 75)  # SPEC §1.3 target ages
            birth = fy_end - dt.timedelta(days=age * 365 + 30 + rng.randrange(330))
            people.append((first_person + i, sex, birth))
            yield (
                first_person + i, insurer.pk, f"{rng.randrange(1, 100):02d}", f"{1000000 + i}", "00",
                "ベンチタロウ", sex, birth, Relationship.SELF, rng.choice(employers).pk, now, now,
            )  # fmt: skip

    _copy(
        InsuredPerson._meta.db_table,
        ("id", "insurer_id", "card_symbol", "card_number", "card_branch", "name_kana", "sex", "birth_date",
         "relationship", "employer_id", "created_at", "updated_at"),
        person_rows(),
    )  # fmt: skip
    _copy(
        Enrollment._meta.db_table,
        ("person_id", "acquired_on"),
        ((pid, dt.date(2010, 4, 1)) for pid, _, _ in people),
    )
    persons_done = time.monotonic()
    table = Checkup._meta.db_table
    previous_people = [p for p in people if rng.random() < previous_share]
    first = _reserve_ids(table, rows + len(previous_people))
    written = _copy(
        table,
        CHECKUP_COLUMNS,
        _rows(
            rng,
            people,
            first_id=first,
            fiscal_year=fiscal_year,
            judged=False,
            insurer_id=insurer.pk,
            clinic_ids=clinic_ids,
        ),
    )
    previous = _copy(
        table,
        CHECKUP_COLUMNS,
        _rows(
            rng,
            previous_people,
            first_id=first + rows,
            fiscal_year=fiscal_year - 1,
            judged=True,
            insurer_id=insurer.pk,
            clinic_ids=clinic_ids,
        ),
    )
    done = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"ANALYZE {InsuredPerson._meta.db_table}")
    return {
        "persons": len(people),
        "checkups": written,
        "previous_year_checkups": previous,
        "persons_seconds": round(persons_done - started, 1),
        "checkups_seconds": round(done - persons_done, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--fiscal-year", type=int, default=2025)
    parser.add_argument("--previous-share", type=float, default=0.3, help="share with a checkup the year before")
    parser.add_argument("--seed", type=int, default=20250401)
    args = parser.parse_args()
    started = time.monotonic()
    result = generate(rows=args.rows, fiscal_year=args.fiscal_year, previous_share=args.previous_share, seed=args.seed)
    print(json.dumps({**result, "total_seconds": round(time.monotonic() - started, 1)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
