"""Time `guidance.services.programmes_sync_for_checkups` on N stratified checkups (issue #5: fast for 100k).

Usage (a database of its own, migrated first; SQLite or PostgreSQL):

    export DATABASE_URL=sqlite:////tmp/tokutei_bench_guidance.sqlite3   # or postgres://…/tokutei_bench_guidance
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/guidance_sync_bench.py --rows 100000

Generates one person and one already-judged checkup per row (levels about 10 % 積極的支援, 15 % 動機付け支援,
75 % other; some on medication or outside 40–74), then times: the first sync (creates programmes), a second sync
(nothing to do: the nightly re-run), and a sync after 1 % of the checkups changed level (corrections).
Refuses to run on a database whose name does not contain "bench".
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from checkups.models import Checkup  # noqa: E402
from guidance.models import Programme  # noqa: E402
from guidance.services import programmes_sync_for_checkups  # noqa: E402
from members.codes import InsurerType, Relationship, Sex  # noqa: E402
from members.models import InsuredPerson, Insurer  # noqa: E402

INSURER_NUMBER = "06555555"
TODAY = dt.date(2026, 11, 26)


def generate(rows: int) -> list[int]:
    rng = random.Random(5)
    with transaction.atomic():
        Programme.objects.filter(insurer__number=INSURER_NUMBER).delete()
        Checkup.objects.filter(insurer__number=INSURER_NUMBER).delete()
        InsuredPerson.objects.filter(insurer__number=INSURER_NUMBER).delete()
        insurer, _ = Insurer.objects.get_or_create(
            number=INSURER_NUMBER, defaults={"name": "ベンチ健保", "insurer_type": InsurerType.SINGLE_KENPO}
        )
        persons = InsuredPerson.objects.bulk_create(
            [
                InsuredPerson(
                    insurer=insurer,
                    card_symbol="1",
                    card_number=str(i),
                    card_branch="00",
                    name_kana="ベンチ",
                    sex=Sex.MALE,
                    birth_date=dt.date(1970, 1, 1),
                    relationship=Relationship.SELF,
                )
                for i in range(rows)
            ],
            batch_size=5000,
        )
        checkups = [
            Checkup(
                person=person,
                insurer=insurer,
                exam_date=dt.date(2025, 5, 1) + dt.timedelta(days=rng.randrange(300)),
                fiscal_year=2025,
                age_at_fy_end=rng.choice([39, *range(40, 75), 75]),
                program="010",
                source="clinic_api",
                weight_kg=Decimal(rng.randint(550, 950)) / 10,
                waist_cm=Decimal(rng.randint(800, 1100)) / 10,
                guidance_level=rng.choices([1, 2, 3, 4], [10, 15, 70, 5])[0],
                medication_excluded=rng.random() < 0.05,
            )
            for person in persons
        ]
        Checkup.objects.bulk_create(checkups, batch_size=5000)
    return list(Checkup.objects.filter(insurer=insurer).values_list("pk", flat=True))


def timed(label: str, ids: list[int]) -> None:
    started = time.perf_counter()
    created = programmes_sync_for_checkups(checkup_ids=ids, today=TODAY)
    print(f"{label}: {time.perf_counter() - started:.2f} s, {created} created")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    if "bench" not in str(connection.settings_dict["NAME"]):
        sys.exit("refusing: the database name must contain 'bench'")
    started = time.perf_counter()
    ids = generate(args.rows)
    print(f"{connection.vendor}: generated {len(ids)} checkups in {time.perf_counter() - started:.1f} s")
    timed("first sync", ids)
    print(f"programmes: {Programme.objects.filter(insurer__number=INSURER_NUMBER).count()}")
    timed("second sync (no change)", ids)
    changed = ids[::100]
    Checkup.objects.filter(pk__in=changed, guidance_level=1).update(guidance_level=2)
    Checkup.objects.filter(pk__in=changed, guidance_level=2).exclude(pk__in=changed[::2]).update(guidance_level=3)
    timed("sync after 1 % corrections", ids)


if __name__ == "__main__":
    main()
