"""The demo insurer's checkups for FY2023–FY2026: targets, plans, rows, then judged like an upload."""

import datetime as dt
import random
from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Q

from checkups.codes import Program, Source
from checkups.items import columns_from_items
from checkups.models import Checkup
from intake.services import checkups_choose_counted, checkups_restratify
from members.age_basis import age_basis, is_target_age
from members.fiscal import fiscal_year_end, fiscal_year_start
from members.models import Clinic, Enrollment, Exclusion, InsuredPerson, Insurer

from .items import EMPLOYER_MISSING, build_items, missing_item
from .plans import SCENARIO_YEARS, Plan, scenario_plans, year_plans

DEMO_FISCAL_YEARS = (2023, 2024, 2025, 2026)
CLINIC_MISMATCH_SHARE = 0.02
DOUBLE_CHECKUP_SHARE = 0.02


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


def _checkup(plan: Plan, fiscal_year: int, exam_date: dt.date, clinic: Clinic | None) -> Checkup:
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
        missing_items=[missing_item(key) for key in plan.missing],
        counts_for_fiscal_year=False,  # decided by checkups_choose_counted
        **{k: v for k, v in columns.items() if hasattr(Checkup, k)},
    )


def _year_rows(
    rng: random.Random, plans: list[Plan], fiscal_year: int, *, today: dt.date, clinics: list[Clinic | None]
) -> list[Checkup]:
    rows: list[Checkup] = []
    for plan in plans:
        exam_date = _exam_date(rng, fiscal_year, today)
        if rng.random() < CLINIC_MISMATCH_SHARE:  # SPEC §2.9: a clinic's own level, kept as sent
            plan.values["clinic_level"] = rng.choice((1, 2, 3))
        rows.append(_checkup(plan, fiscal_year, exam_date, rng.choice(clinics)))
        if plan.person.employer_id and rng.random() < DOUBLE_CHECKUP_SHARE and exam_date.month != 4:
            # an incomplete 事業者健診 (030) from the employer earlier in the year, then the clinic's 010
            employer_plan = Plan(
                plan.person,
                {k: v for k, v in plan.values.items() if k not in EMPLOYER_MISSING and k != "clinic_level"},
                plan.answers,
                program=Program.EMPLOYER_CHECKUP,
                source=Source.EMPLOYER,
                missing=EMPLOYER_MISSING,
            )
            rows.append(_checkup(employer_plan, fiscal_year, exam_date - dt.timedelta(days=20), None))
    return rows


def _judged_summary(insurer: Insurer, fiscal_year: int, rows: list[Checkup], targets: list[InsuredPerson]) -> str:
    """Store the year's rows, judge and count them as an upload would; one line of what came out."""
    Checkup.objects.bulk_create(rows, batch_size=500)
    checkups_choose_counted(person_ids=[p.pk for p in targets], fiscal_years=[fiscal_year])
    checkups_restratify(fiscal_year=fiscal_year, insurer_id=insurer.pk)  # as `manage.py restratify` does
    counted = {r.person_id for r in rows}
    levels = Counter(
        Checkup.objects.filter(insurer=insurer, fiscal_year=fiscal_year, counts_for_fiscal_year=True).values_list(
            "guidance_level", flat=True
        )
    )
    return (
        f"FY{fiscal_year}: {len(rows)} checkups, {len(counted)}/{len(targets)} targets "
        f"({100 * len(counted) / max(1, len(targets)):.0f} %), levels {dict(sorted(levels.items()))}"
    )


@transaction.atomic
def seed(population: Any, *, today: dt.date) -> str:
    """Checkups of the demo insurer for FY2023–FY2026 (see demo.checkups); returns a one-line summary."""
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
        scenario_people = (
            scenario_plans(rng, targets, fiscal_year, consecutive_people) if fiscal_year in SCENARIO_YEARS else {}
        )
        plans = year_plans(rng, targets, fiscal_year, scenario_people=scenario_people, employer_rank=employer_rank)
        rows = _year_rows(rng, plans, fiscal_year, today=today, clinics=clinics)
        summary.append(_judged_summary(insurer, fiscal_year, rows, targets))
    return "; ".join(summary)
