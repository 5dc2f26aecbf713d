"""Generate an insurer of N members with enrollment, exclusions, three years of checkups and guidance programmes.

For the rates benchmark (bench/rates_bench.py). PostgreSQL COPY, a database of its own:

    createdb -h 127.0.0.1 -U postgres tokutei_bench_rates
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tokutei_bench_rates
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/rates_generate_population.py --members 1000000

Rates are realistic by construction: ages 20–74 like an employees' society, about 5 % joining and 5 % leaving
during a year, 1 % excluded, 60–75 % of targets with a checkup (a tenth of them employer checkups), 17 % of
receivers in guidance, a third of those completing. Only the columns the reports read carry meaning; the other
NOT NULL columns take their model defaults. Refuses a database whose name does not contain "bench".

For the statutory and outcome reports (issue #17) checkups also carry waist, weight, the medication answers and
メタボ判定, and programmes two providers, the stored evaluation (initial interview done, the final evaluation and
its point lines, sized like real ones) and their contacts (initial interview, support, final evaluation) with
face-to-face and remote forms. These extra values come from a second random stream, so the population the rates
benchmark measured is unchanged.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from decimal import Decimal  # noqa: E402

from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

from checkups.models import Checkup  # noqa: E402
from guidance.models import Contact, Programme  # noqa: E402
from members.age_basis import age_basis, is_target_age  # noqa: E402
from members.codes import ExclusionReason, InsurerType  # noqa: E402
from members.models import Employer, Enrollment, Exclusion, GuidanceProvider, InsuredPerson, Insurer  # noqa: E402

BENCH_INSURER_NUMBER = "06555555"
YEARS = (2024, 2025, 2026)  # base year, last closed year, current year (checkups still coming in)
CHECKUP_SHARE = {2024: 0.62, 2025: 0.68, 2026: 0.45}
EMPLOYERS = 200
PROVIDERS = (("2755555551", "ベンチ保健指導センター"), ("2755555552", "ベンチオンライン指導"))  # the second remote-only
OUTCOME_LINES = (("outcome_2cm_2kg", 0.30), ("outcome_weight_0024", 0.05), ("outcome_1cm_1kg", 0.25))
BEHAVIOURS = (("diet", 0.40), ("exercise", 0.35), ("smoking", 0.05), ("rest", 0.15), ("other", 0.10))
DETAIL = "個別支援(対面) 30分: 70 — 実施内容と評価の根拠を職員向けに説明する一文(実データと同程度の長さ)"


def _line(rule: str, points: int) -> dict[str, Any]:
    return {
        "rule": rule,
        "points": points,
        "contact": None,
        "detail_ja": DETAIL,
        "detail_en": DETAIL,
        "spec": "SPEC §5.5",
    }


def _evaluation(extra: random.Random, *, initial: dt.date | None, final: dt.date | None) -> dict[str, Any]:
    """A stored evaluation (guidance.facts.evaluation_fields) with point lines like the rules write."""
    lines = [_line("early_interview_none", 0)] if initial else []
    lines += [_line("process_individual", 70) for _ in range(extra.randint(1, 3))] if initial else []
    if final is not None:
        roll, rule = extra.random(), "outcome_not_met"
        for name, share in OUTCOME_LINES:
            if roll < share:
                rule = name
                break
            roll -= share
        lines.append(_line(rule, 180 if rule in ("outcome_2cm_2kg", "outcome_weight_0024") else 20))
        lines += [_line(f"behaviour_{b}", 20) for b, share in BEHAVIOURS if extra.random() < share]

    def iso(day: dt.date | None) -> str | None:
        return day.isoformat() if day else None

    return {"lines": lines, "missing_points": 0, "initial_completed_on": iso(initial),
            "final_evaluation_earliest": iso(initial + dt.timedelta(days=92)) if initial else None,
            "final_evaluation_on": iso(final), "decision_ja": DETAIL, "decision_en": DETAIL}  # fmt: skip


def _reserve_ids(model: type[models.Model], count: int) -> int:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        first = cursor.fetchone()[0] + 1
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [first + count])
    return first


def _copy(model: type[models.Model], rows: Iterator[dict[str, Any]], *, own_ids: bool = True) -> int:
    """COPY dict rows; any concrete column a row leaves out takes the model field's default (or NULL).

    Without `own_ids` the database numbers the rows.
    """
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if own_ids or not f.primary_key]
    columns = [f.column for f in fields if f.column]
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            defaults[f.attname] = f.get_default()  # "" for text columns without a default, else None
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    count = 0
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            values = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                values.append(Jsonb(value) if f.attname in json_fields and value is not None else value)
            copy.write_row(values)
            count += 1
    return count


def _reset(insurer: Insurer) -> None:
    of_insurer = "IN (SELECT id FROM {table} WHERE insurer_id = %s)"
    with connection.cursor() as cursor:
        for sql in (
            "DELETE FROM guidance_contact WHERE programme_id " + of_insurer.format(table="guidance_programme"),
            "DELETE FROM guidance_programme WHERE insurer_id = %s",
            "DELETE FROM checkups_checkup WHERE insurer_id = %s",
            "DELETE FROM members_enrollment WHERE person_id " + of_insurer.format(table="members_insuredperson"),
            "DELETE FROM members_exclusion WHERE person_id " + of_insurer.format(table="members_insuredperson"),
            "DELETE FROM members_insuredperson WHERE insurer_id = %s",
        ):
            cursor.execute(sql, [insurer.pk])


def _birth(rng: random.Random) -> dt.date:
    age = min(74, max(20, int(rng.triangular(20, 75, 46))))  # age on 2026-04-01
    return dt.date(2026 - age, 4, 1) - dt.timedelta(days=rng.randrange(365))


@transaction.atomic
def generate(*, members: int, seed: int) -> dict[str, int]:
    if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("run on a PostgreSQL database whose name contains 'bench' (it replaces data)")
    rng = random.Random(seed)
    insurer, _ = Insurer.objects.get_or_create(
        number=BENCH_INSURER_NUMBER, defaults={"name": "実施率ベンチ健保", "insurer_type": InsurerType.SINGLE_KENPO}
    )
    _reset(insurer)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # consistent by construction: skip FK triggers
    employer_ids = [
        Employer.objects.get_or_create(insurer=insurer, code=f"R{i:03d}", defaults={"name": f"ベンチ事業所{i}"})[0].pk
        for i in range(EMPLOYERS)
    ]
    first_person = _reserve_ids(InsuredPerson, members)
    people: list[tuple[int, int, dt.date]] = []  # (id, sex, birth)

    def person_rows() -> Iterator[dict[str, Any]]:
        for n in range(members):
            sex = 1 if rng.random() < 0.62 else 2
            birth = _birth(rng)
            family = rng.random() < 0.28
            people.append((first_person + n, sex, birth))
            yield {
                "id": first_person + n, "insurer_id": insurer.pk, "card_symbol": f"{n % 97:02d}",
                "card_number": str(1_000_000 + n), "card_branch": "01" if family else "00", "name_kana": "ベンチ",
                "sex": sex, "birth_date": birth, "relationship": "family" if family else "self",
                "employer_id": employer_ids[int(rng.paretovariate(1.2)) % EMPLOYERS],
            }  # fmt: skip

    counts = {"members": _copy(InsuredPerson, person_rows())}
    lost_by: dict[int, dt.date | None] = {}
    joined: dict[int, dt.date] = {}

    def enrollment_rows() -> Iterator[dict[str, Any]]:
        for pid, _sex, birth in people:
            acquired = max(dt.date(birth.year + 18, 4, 1), dt.date(2000, 4, 1))
            roll = rng.random()
            lost = None
            if roll < 0.05:  # joined during one of the three years
                acquired = dt.date(rng.choice(YEARS), rng.randrange(5, 13), 1)
            elif roll < 0.10:  # left during one of them
                lost = dt.date(rng.choice(YEARS) + (rng.random() < 0.25), rng.randrange(1, 13), 16)
                lost = max(lost, acquired + dt.timedelta(days=1))
            joined[pid], lost_by[pid] = acquired, lost
            yield {"person_id": pid, "acquired_on": acquired, "lost_on": lost}

    counts["enrollments"] = _copy(Enrollment, enrollment_rows(), own_ids=False)
    excluded = set(rng.sample(range(first_person, first_person + members), members // 100))
    reasons = list(ExclusionReason)

    def exclusion_rows() -> Iterator[dict[str, Any]]:
        for pid in sorted(excluded):
            start = dt.date(rng.choice(YEARS), rng.randrange(4, 13), 1)
            yield {"person_id": pid, "reason": rng.choice(reasons), "starts_on": start,
                   "ends_on": start + dt.timedelta(days=rng.randrange(60, 400))}  # fmt: skip

    counts["exclusions"] = _copy(Exclusion, exclusion_rows(), own_ids=False)

    checkup_meta: list[tuple[int, int, int, int]] = []  # (checkup id, person id, fiscal year, level)
    first_checkup = _reserve_ids(Checkup, int(members * 1.6))
    extra = random.Random(seed + 1)  # the report columns: a stream of their own, the rates population unchanged

    def checkup_rows() -> Iterator[dict[str, Any]]:
        next_id = first_checkup
        for year in YEARS:
            share = CHECKUP_SHARE[year]
            start = dt.date(year, 4, 1)
            for pid, _sex, birth in people:
                age = age_basis(birth, year)
                if not is_target_age(birth, year) or rng.random() > share:  # SPEC §1.3
                    continue
                lost = lost_by[pid]
                if joined[pid] > dt.date(year + 1, 3, 31) or (lost is not None and lost <= start):
                    continue
                employer_checkup = rng.random() < 0.10
                roll = rng.random()
                level = 1 if roll < 0.07 else 2 if roll < 0.17 else 3 if roll < 0.99 else 4
                medication = level == 3 and rng.random() < 0.25
                checkup_meta.append((next_id, pid, year, level))
                answers = [1 if medication and extra.random() < share else 2 for share in (0.7, 0.3, 0.4)]
                if medication and 1 not in answers:
                    answers[0] = 1
                waist = Decimal(round(extra.gauss(86 if level in (1, 2) else 80, 8), 1))
                yield {
                    "id": next_id, "person_id": pid, "insurer_id": insurer.pk,
                    "exam_date": start + dt.timedelta(days=rng.randrange(240 if year == 2026 else 360)),
                    "fiscal_year": year, "age_at_fy_end": age,
                    "program": "030" if employer_checkup else "010",
                    "source": "employer" if employer_checkup else "clinic_api",
                    "guidance_level": level,
                    "guidance_level_without_medication": extra.choice([1, 2, 3]) if medication else level,
                    "medication_excluded": medication,
                    "metabolic_judgment": 1 if level == 1 else (2 if extra.random() < 0.6 else 1) if level == 2 else 3,
                    "waist_cm": waist, "weight_kg": Decimal(round(float(waist) * 0.78 + extra.gauss(0, 4), 1)),
                    "med_blood_pressure": answers[0], "med_glucose": answers[1], "med_lipids": answers[2],
                    "is_complete": not (employer_checkup and rng.random() < 0.15),
                    "counts_for_fiscal_year": True,
                }  # fmt: skip
                next_id += 1

    counts["checkups"] = _copy(Checkup, checkup_rows())

    first_programme = _reserve_ids(Programme, len(checkup_meta))
    provider_ids = [
        GuidanceProvider.objects.get_or_create(number=number, defaults={"name": name})[0].pk
        for number, name in PROVIDERS
    ]
    contact_plan: list[tuple[int, dt.date, list[int], bool, dt.date | None]] = []

    def programme_rows() -> Iterator[dict[str, Any]]:
        for n, (checkup_id, pid, year, level) in enumerate(checkup_meta):
            if level not in (1, 2):
                continue
            roll = rng.random()
            initial = dt.date(year, 7, 1) + dt.timedelta(days=rng.randrange(200))
            if year < 2026:
                status = (
                    "completed"
                    if roll < 0.35
                    else "dropped_out"
                    if roll < 0.55
                    else "excluded"
                    if roll < 0.57
                    else "not_started"
                )
            else:
                status = "completed" if roll < 0.05 else "in_progress" if roll < 0.55 else "not_started"
            completed_on = initial + dt.timedelta(days=rng.randrange(95, 200)) if status == "completed" else None
            started = status in ("completed", "in_progress", "dropped_out")
            provider = extra.choice([None, *provider_ids])
            final_on = completed_on or (
                initial + dt.timedelta(days=100) if status == "in_progress" and extra.random() < 0.1 else None
            )
            if started:
                remote_only = provider == provider_ids[1]
                forms = [2, 4, 5, 6] if remote_only else [1, 1, 2, 3, 5]
                support = [extra.choice(forms) for _ in range(extra.randint(1, 3))]
                contact_plan.append((first_programme + n, initial, support, remote_only, final_on))
            points = 180 if status == "completed" and level == 1 else rng.randrange(0, 180)
            yield {
                "id": first_programme + n, "checkup_id": checkup_id, "person_id": pid, "insurer_id": insurer.pk,
                "fiscal_year": year, "level": level, "status": status, "completed_on": completed_on,
                "dropped_out_on": initial + dt.timedelta(days=40) if status == "dropped_out" else None,
                "dropout_reason": "declined" if status == "dropped_out" else "",
                "excluded_cause": "medication_after_checkup" if status == "excluded" else "",
                "excluded_on": initial if status == "excluded" else None,
                "initial_on": initial if started else None,
                "process_points": points, "total_points": points,
                "next_action_due": initial + dt.timedelta(days=60) if status == "in_progress" else None,
                "next_action": "contact_overdue" if status == "in_progress" and rng.random() < 0.2 else "",
                "provider_id": provider,
                "evaluation": _evaluation(extra, initial=initial if started else None, final=final_on),
            }  # fmt: skip

    counts["programmes"] = _copy(Programme, programme_rows())

    def contact_rows() -> Iterator[dict[str, Any]]:
        for programme_id, initial, forms, remote_only, final_on in contact_plan:
            yield {"programme_id": programme_id, "kind": "initial", "form": 2 if remote_only else extra.choice([1, 2]),
                   "date": initial, "minutes": 30}  # fmt: skip
            for month, form in enumerate(forms, start=1):
                yield {"programme_id": programme_id, "kind": "continuous", "form": form,
                       "date": initial + dt.timedelta(days=30 * month), "minutes": 20}  # fmt: skip
            if final_on is not None:
                yield {"programme_id": programme_id, "kind": "final", "form": 2 if remote_only else 1, "date": final_on,
                       "minutes": 20}  # fmt: skip

    counts["contacts"] = _copy(Contact, contact_rows(), own_ids=False)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()
    started = time.monotonic()
    counts = generate(members=args.members, seed=args.seed)
    with connection.cursor() as cursor:
        for table in ("members_insuredperson", "members_enrollment", "members_exclusion", "checkups_checkup",
                      "guidance_programme", "guidance_contact"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(", ".join(f"{k} {v:,}" for k, v in counts.items()), f"in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
