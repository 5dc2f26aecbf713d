"""Time the bulk restratification of one fiscal year (SPEC §2, issue #3: 1,000,000 checkups in under 60 s).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tokutei_bench_checkups
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/generate_checkups.py --rows 1000000 --fiscal-year 2025
    .venv/bin/python bench/restratify_bench.py --mode first --processes 2   # creates the guidance programmes
    .venv/bin/python bench/restratify_bench.py --mode full --processes 2 --runs 3   # the acceptance figure
    .venv/bin/python bench/restratify_bench.py --mode rerun --processes 2 --runs 3

Each run calls `checkups_restratify` as the Celery task's slices do (programmes synced). Modes:
- `full`: a full recompute, as after a rule-table change: every stored judgment is first made different (rule-set
  version and the record's `rules` entry), so every one of the year's checkups is judged and written; programmes
  already exist from an earlier run and are synced only where a level, medication exclusion or consecutive flag
  changes (none here).
- `rerun`: nothing changed since the last run (the nightly case): judged, compared, nothing written.
- `first`: the programmes are deleted first, so the run creates one per guidance-level checkup.
`--profile FILE` writes a cProfile of a single-process run (use a smaller generated data set).
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

from intake.services import checkups_judge, checkups_restratify  # noqa: E402
from members.models import Insurer  # noqa: E402

BENCH_INSURER_NUMBER = "06777777"


def _machine() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, PostgreSQL {server}"


def make_stale(*, fiscal_year: int, insurer_id: int) -> None:
    """Make every stored judgment of the year differ from what the rules give (a rule-set change), keeping the
    levels (so programmes stay in step) and the row sizes; then vacuum, as autovacuum would have since."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE checkups_checkup SET rules_version = '', judgment = judgment || '{\"rules\": \"old\"}' "
            "WHERE fiscal_year = %s AND insurer_id = %s",
            [fiscal_year, insurer_id],
        )
        cursor.execute("VACUUM ANALYZE checkups_checkup")  # autocommit: no dead tuples left to skew the run


def drop_programmes() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE guidance_contact, guidance_programme CASCADE")
        cursor.execute("VACUUM ANALYZE checkups_checkup")


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'checkups_checkup'")
        updated, hot = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM guidance_programme")
        return {"updated": updated, "hot": hot, "programmes": cursor.fetchone()[0]}


def run(*, fiscal_year: int, insurer_id: int, processes: int, mode: str) -> dict[str, object]:
    before, load_before = _counts(), os.getloadavg()
    started = time.monotonic()
    rows = checkups_restratify(fiscal_year=fiscal_year, insurer_id=insurer_id, processes=processes)
    seconds = time.monotonic() - started
    time.sleep(1)  # the statistics collector reports the children's counts a moment later
    after = _counts()
    return {
        "mode": mode,
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "processes": processes,
        "rows_written": after["updated"] - before["updated"],
        "hot_updates": after["hot"] - before["hot"],
        "programmes": after["programmes"],
        "programmes_created": after["programmes"] - before["programmes"],
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
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
    parser.add_argument("--mode", choices=("full", "rerun", "first"), default="full")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--profile", metavar="FILE", help="cProfile a single-process run instead")
    args = parser.parse_args()
    insurer_id = Insurer.objects.get(number=BENCH_INSURER_NUMBER).pk
    if args.profile:
        profile(fiscal_year=args.fiscal_year, insurer_id=insurer_id, output=args.profile)
        return
    print(json.dumps({"machine": _machine()}, ensure_ascii=False), flush=True)
    for _ in range(args.runs):
        if args.mode == "full":
            make_stale(fiscal_year=args.fiscal_year, insurer_id=insurer_id)
        elif args.mode == "first":
            drop_programmes()
        result = run(fiscal_year=args.fiscal_year, insurer_id=insurer_id, processes=args.processes, mode=args.mode)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
