"""Import benchmark: a generated N-person MHLW archive imported on PostgreSQL, against a floor, in one run.

    .venv/bin/python bench/import_bench.py --persons 10000

* import — `intake.services.upload_receive(..., process_now=True)`: ZIP checks, locked-down parse, validation
  (SPEC §9.4), matching (SPEC §1.5), bulk store, counted-checkup choice and judgments (SPEC §2–§3), report.
* floor — the same archive: read each DATA member, lxml parse (the same locked-down parser), take (person, item
  code, value) of every observation and COPY them into a scratch table. No validation, no rules. With
  `--processes N` (N ≥ 2) the floor runs in N processes too, each parsing every N-th member and COPYing over its own
  connection; with one process both run in one process.

`--processes` sets settings.UPLOAD_IMPORT_PROCESSES for the import (default: what the import would use here,
min(CPUs, 4); 1 = one process, whose second thread prepares the next chunk while the first stores).
Before each round the bench insurer's rows are deleted and the touched tables VACUUM ANALYZEd (as autovacuum
would do on a live database; the bench server may run with autovacuum off).

Target (issue #4): import persons/s ≥ half of the floor's. Uses its own database (created if missing; the name
must contain "bench"): postgres://postgres@127.0.0.1:5432/tokutei_bench_import by default.
"""

import argparse
import io
import os
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tokutei_bench_import"


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    if "bench" not in name:
        raise SystemExit(f"refusing to use {name!r}: the bench database name must contain 'bench'")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _reset_and_load_roster(roster: list) -> None:
    """Replace the bench insurer's people (roster) and everything received for them."""
    from django.db import transaction

    from bench.import_generate import CARD_SYMBOL, INSURER_NUMBER
    from checkups.models import Checkup, HeldRecord, Upload
    from guidance.models import Programme
    from members.codes import InsurerType, Relationship
    from members.models import Enrollment, InsuredPerson, Insurer

    with transaction.atomic():
        insurer, _ = Insurer.objects.get_or_create(
            number=INSURER_NUMBER, defaults={"name": "ベンチ健保", "insurer_type": InsurerType.SINGLE_KENPO}
        )
        Upload.objects.filter(submitter="bench").delete()
        HeldRecord.objects.filter(insurer=insurer).delete()
        Programme.objects.filter(insurer=insurer).delete()
        Checkup.objects.filter(insurer=insurer).delete()
        InsuredPerson.objects.filter(insurer=insurer).delete()
        people = InsuredPerson.objects.bulk_create(
            [
                InsuredPerson(
                    insurer=insurer,
                    card_symbol=CARD_SYMBOL,
                    card_number=row.card_number,
                    card_branch="00",
                    name_kana="ベンチ",
                    sex=row.sex,
                    birth_date=row.birth_date,
                    relationship=Relationship.SELF,
                )
                for row in roster
            ],
            batch_size=2000,
        )
        Enrollment.objects.bulk_create(
            [Enrollment(person=p, acquired_on=p.birth_date.replace(year=2000, month=4, day=1)) for p in people],
            batch_size=2000,
        )


VACUUMED_TABLES = (
    "checkups_checkup",
    "checkups_heldrecord",
    "checkups_upload",
    "guidance_programme",
    "members_insuredperson",
    "members_enrollment",
)


def _vacuum() -> None:
    """Deleted rows of earlier rounds gone and fresh statistics, as on a database with autovacuum."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in VACUUMED_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


def run_import(name: str, data: bytes, processes: int) -> tuple[float, Any]:
    from django.conf import settings

    from checkups.intake_types import Submitter
    from intake.services import upload_receive

    settings.UPLOAD_IMPORT_PROCESSES = processes
    started = time.perf_counter()
    intake = upload_receive(submitter=Submitter(label="bench"), data=data, file_name=name, process_now=True)
    return time.perf_counter() - started, intake.upload


def _floor_copy(copy: Any, data: bytes, share: int, shares: int) -> int:
    """Every `shares`-th DATA member from `share` on: lxml parse, COPY (person, code, value) of each observation."""
    from checkups.mhlw.safe_xml import parse_xml

    ns = "{urn:hl7-org:v3}"
    rows = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if "/DATA/" in n]
        for person in range(share, len(names), shares):
            root = parse_xml(archive.read(names[person]))
            for observation in root.iter(ns + "observation"):
                code = observation.find(ns + "code")
                value = observation.find(ns + "value")
                if code is None or code.get("code") is None:
                    continue
                text = None
                if value is not None:
                    text = value.get("value") or value.get("code") or value.text
                copy.write_row((person, code.get("code"), text))
                rows += 1
    return rows


_COPY_FLOOR = "COPY bench_floor_observation (person, code, value) FROM STDIN"


def _floor_process(url: str, data: bytes, share: int, shares: int, results: Any) -> None:
    """One floor process (forked): its own connection and transaction, never the parent's."""
    import psycopg

    with psycopg.connect(url) as connection, connection.cursor() as cursor, cursor.copy(_COPY_FLOOR) as copy:
        rows = _floor_copy(copy, data, share, shares)
    results.put(rows)


def run_floor(data: bytes, processes: int, url: str) -> tuple[float, int]:
    """lxml parse + COPY of (person, code, value) for every observation; no validation; in `processes` processes."""
    import multiprocessing

    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor_observation")
        cursor.execute("CREATE UNLOGGED TABLE bench_floor_observation (person integer, code text, value text)")
    started = time.perf_counter()
    if processes < 2:
        with transaction.atomic(), connection.cursor() as cursor, cursor.copy(_COPY_FLOOR) as copy:
            rows = _floor_copy(copy, data, 0, 1)
        return time.perf_counter() - started, rows
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [
        context.Process(target=_floor_process, args=(url, data, i, processes, results)) for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    rows = sum(results.get() for _ in workers)
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise SystemExit(f"floor process failed with exit code {worker.exitcode}")
    return time.perf_counter() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--repeat", type=int, default=1, help="import/floor rounds (best of)")
    parser.add_argument(
        "--processes",
        type=int,
        default=min(os.cpu_count() or 1, 4),  # the import's own default (uploads._worker_processes)
        help="import worker processes = floor processes",
    )
    args = parser.parse_args()
    _ensure_database(args.database_url)
    _setup(args.database_url)

    from bench.import_generate import build

    started = time.perf_counter()
    name, data, roster = build(args.persons)
    print(
        f"generated {name}: {len(roster):,} persons, {len(data) / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s"
    )

    best_import, best_floor = float("inf"), float("inf")
    print(f"processes: {args.processes} (import parse/validate workers; floor processes)")
    for _ in range(args.repeat):
        _reset_and_load_roster(roster)
        _vacuum()
        load = os.getloadavg()[0]
        floor_seconds, rows = run_floor(data, args.processes, args.database_url)
        import_seconds, upload = run_import(name, data, args.processes)
        if upload.status != "done" or upload.accepted != args.persons:
            raise SystemExit(f"import incomplete: {upload.status}, {upload.accepted} accepted")
        best_import, best_floor = min(best_import, import_seconds), min(best_floor, floor_seconds)
        print(
            f"  round: import {import_seconds:.2f} s ({upload.accepted} accepted, {upload.rejected} rejected, "
            f"{upload.held} held); floor {floor_seconds:.2f} s ({rows:,} observations); "
            f"ratio {floor_seconds / import_seconds:.2f}; load average {load:.2f} → {os.getloadavg()[0]:.2f}"
        )
    import_rate, floor_rate = args.persons / best_import, args.persons / best_floor
    ratio = import_rate / floor_rate
    print(f"import: {import_rate:,.0f} persons/s  ({best_import:.2f} s for {args.persons:,})")
    print(f"floor:  {floor_rate:,.0f} persons/s  ({best_floor:.2f} s; lxml parse + COPY, no validation)")
    print(f"ratio:  {ratio:.2f} of the floor (target ≥ 0.50) → {'PASS' if ratio >= 0.5 else 'FAIL'}")


if __name__ == "__main__":
    main()
