"""Import benchmark: a generated N-person MHLW archive imported on PostgreSQL, against a floor, in one run.

    .venv/bin/python bench/import_bench.py --persons 10000

* import — `intake.services.upload_receive(..., process_now=True)`: ZIP checks, locked-down parse, XSD check
  (hc08_V08.xsd, SPEC §9.5), validation (SPEC §9.4), matching (SPEC §1.5), bulk store, counted-checkup choice and
  judgments (SPEC §2–§3), guidance programmes, report.
* floor — the same archive: read each DATA member, lxml parse (the same locked-down parser), take (person, item
  code, value) of every observation and COPY them into a scratch table, in one process (issue #13's definition;
  `--floor-processes N` splits it over N processes, each parsing every N-th member over its own connection).
  No XSD check, no validation, no rules.

Each round runs the floor, then the import (alternated in the same run); the ratio is floor seconds / import
seconds, and the result is the median of the rounds (`--repeat`, 3 by default). `--processes` sets
settings.UPLOAD_IMPORT_PROCESSES for the import (default: what the import would use here, min(CPUs, 4); 1 = one
process, whose second thread prepares the next chunk while the first stores). The import's peak memory is the
importing process's peak resident memory during the import (reset before it, Linux `clear_refs`) over its
resident memory just before (which holds the archive, the roster and Django); the worker processes' peak is given
apart. Before each round the bench insurer's rows are deleted and the touched tables VACUUM ANALYZEd (as
autovacuum would do on a live database; the bench server may run with autovacuum off).

Target (issue #13): median ratio ≥ 0.8; peak memory ≤ 200 MB. Uses its own database (created if missing; the
name must contain "bench"): postgres://postgres@127.0.0.1:5432/tokutei_bench_import by default.
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


def _rss_reset() -> int:
    """Reset this process's peak resident memory (Linux `clear_refs` 5) and return the current RSS in bytes."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kb("VmRSS") * 1024


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def main() -> None:
    import resource
    import statistics

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--repeat", type=int, default=3, help="rounds, each a floor then an import (median of)")
    parser.add_argument(
        "--processes",
        type=int,
        default=min(os.cpu_count() or 1, 4),  # the import's own default (uploads._worker_processes)
        help="import worker processes (settings.UPLOAD_IMPORT_PROCESSES)",
    )
    parser.add_argument(
        "--floor-processes", type=int, default=1, help="floor processes (issue #13: the floor is one process)"
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

    ratios, imports, floors, peaks = [], [], [], []
    print(f"import processes: {args.processes}; floor processes: {args.floor_processes}")
    for _ in range(args.repeat):
        _reset_and_load_roster(roster)
        _vacuum()
        load = os.getloadavg()[0]
        floor_seconds, rows = run_floor(data, args.floor_processes, args.database_url)
        baseline = _rss_reset()
        import_seconds, upload = run_import(name, data, args.processes)
        peak = _status_kb("VmHWM") * 1024 - baseline  # what the import itself held at most, the archive excluded
        if upload.status != "done" or upload.accepted != args.persons:
            raise SystemExit(f"import incomplete: {upload.status}, {upload.accepted} accepted")
        ratio = floor_seconds / import_seconds
        ratios.append(ratio)
        imports.append(import_seconds)
        floors.append(floor_seconds)
        peaks.append(peak)
        print(
            f"  round: floor {floor_seconds:.2f} s ({rows:,} observations); import {import_seconds:.2f} s "
            f"({upload.accepted} accepted, {upload.rejected} rejected, {upload.held} held); ratio {ratio:.2f}; "
            f"import peak memory +{peak / 2**20:.0f} MB over {baseline / 2**20:.0f} MB; "
            f"load average {load:.2f} → {os.getloadavg()[0]:.2f}"
        )
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # the largest child's (kB on Linux)
    ratio, import_median, floor_median = (statistics.median(values) for values in (ratios, imports, floors))
    print(f"import: {args.persons / import_median:,.0f} persons/s (median {import_median:.2f} s)")
    print(f"floor:  {args.persons / floor_median:,.0f} persons/s (median {floor_median:.2f} s)")
    print(
        f"import peak memory: +{max(peaks) / 2**20:.0f} MB in the importing process (largest round); "
        f"largest worker or floor process {workers_peak / 2**20:.0f} MB"
    )
    print(f"ratio:  median {ratio:.2f} of the floor (target ≥ 0.80) → {'PASS' if ratio >= 0.8 else 'FAIL'}")


if __name__ == "__main__":
    main()
