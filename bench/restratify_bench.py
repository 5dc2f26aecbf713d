"""Time the bulk restratification of one fiscal year (SPEC §2, issue #3: 1,000,000 checkups in under 60 s).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tokutei_bench_checkups
    .venv/bin/python bench/generate_checkups.py --rows 1000000 --fiscal-year 2025
    .venv/bin/python bench/restratify_bench.py --fiscal-year 2025 --processes 2

Runs `checkups_restratify` exactly as the Celery task does (programmes synced), twice by default: the first run
creates the guidance programmes, the second finds them in place (the nightly case). `--profile` writes a cProfile
of a single-process run (use a smaller generated data set) to find the bottleneck.
"""

import argparse
import cProfile
import json
import os
import platform
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402

from checkups.services import checkups_judge, checkups_restratify  # noqa: E402
from members.models import Insurer  # noqa: E402

BENCH_INSURER_NUMBER = "06777777"


def _machine() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, PostgreSQL {server}"


def reset_judgments(*, fiscal_year: int, insurer_id: int, programmes: bool) -> None:
    """Forget the stored judgments (and optionally the programmes) so the next run writes every row."""
    with connection.cursor() as cursor:
        if programmes:
            cursor.execute("TRUNCATE guidance_contact, guidance_programme CASCADE")
        cursor.execute(
            "UPDATE checkups_checkup SET guidance_level = NULL, metabolic_judgment = NULL, judgment = '{}', "
            "rules_version = '' WHERE fiscal_year = %s AND insurer_id = %s",
            [fiscal_year, insurer_id],
        )
        cursor.execute("VACUUM ANALYZE checkups_checkup")  # autocommit: no dead tuples left to skew the run


def run(*, fiscal_year: int, insurer_id: int, processes: int, sync_programmes: bool) -> dict[str, object]:
    started = time.monotonic()
    rows = checkups_restratify(
        fiscal_year=fiscal_year, insurer_id=insurer_id, processes=processes, sync_programmes=sync_programmes
    )
    seconds = time.monotonic() - started
    return {
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "processes": processes,
        "sync_programmes": sync_programmes,
    }


def profile(*, fiscal_year: int, insurer_id: int, output: str) -> None:
    """One process over the whole fiscal year (generate a smaller data set for this, e.g. --rows 50000)."""
    profiler = cProfile.Profile()
    profiler.enable()
    checkups_judge(fiscal_year=fiscal_year, insurer_id=insurer_id)
    profiler.disable()
    profiler.dump_stats(output)
    stats = pstats.Stats(output)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fiscal-year", type=int, default=2025)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=2, help="first creates programmes, later ones find them")
    parser.add_argument("--no-programmes", action="store_true", help="also time a run without programme sync")
    parser.add_argument("--reset", action="store_true", help="clear judgments and programmes first (first-time run)")
    parser.add_argument("--profile", metavar="FILE", help="cProfile a single-process run instead")
    args = parser.parse_args()
    insurer_id = Insurer.objects.get(number=BENCH_INSURER_NUMBER).pk
    if args.profile:
        profile(fiscal_year=args.fiscal_year, insurer_id=insurer_id, output=args.profile)
        return
    print(json.dumps({"machine": _machine()}, ensure_ascii=False), flush=True)
    if args.reset:
        reset_judgments(fiscal_year=args.fiscal_year, insurer_id=insurer_id, programmes=True)
    for _ in range(args.runs):
        result = run(
            fiscal_year=args.fiscal_year, insurer_id=insurer_id, processes=args.processes, sync_programmes=True
        )
        print(json.dumps(result), flush=True)
    if args.no_programmes:
        if args.reset:  # a first-time run without programmes: every row written
            reset_judgments(fiscal_year=args.fiscal_year, insurer_id=insurer_id, programmes=False)
        result = run(
            fiscal_year=args.fiscal_year, insurer_id=insurer_id, processes=args.processes, sync_programmes=False
        )
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
