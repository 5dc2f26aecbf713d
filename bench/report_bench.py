"""Time the statutory report (SPEC §6.6) and the outcome report (SPEC §6.7) of the bench insurer on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres tokutei_report_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tokutei_report_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/rates_generate_population.py --members 1000000   # once (also used by rates_bench)
    .venv/bin/python bench/report_bench.py [--runs 3] [--fiscal-year 2025]

Each run does what `manage.py statutory_report --json` and `manage.py outcome_report --json` do in this process:
the grouped queries and the JSON. Prints every run, the median and the query count; the limit is 10 s each
(issue #17).
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from members.models import Insurer  # noqa: E402
from rates import outcome_format, statutory_format  # noqa: E402
from rates.outcome_report import outcome_report  # noqa: E402
from rates.statutory_report import statutory_report  # noqa: E402

BENCH_INSURER_NUMBER = "06555555"
LIMIT_SECONDS = 10.0  # issue #17 acceptance


def _time(name: str, work: Callable[[], dict], runs: int) -> float:
    timings, queries, payload = [], 0, {}
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.monotonic()
            payload = work()
            timings.append(time.monotonic() - started)
        queries = len(captured.captured_queries)
    median = statistics.median(timings)
    runs_text = ", ".join(f"{t:.2f}" for t in timings)
    print(f"{name}: runs {runs_text} s; median {median:.2f} s; {queries} queries (incl. SET LOCAL/savepoints)")
    print(f"  {json.dumps(payload, ensure_ascii=False)[:400]}…")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fiscal-year", type=int, default=2025)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("run on PostgreSQL (DATABASE_URL)")
    insurer = Insurer.objects.get(number=BENCH_INSURER_NUMBER)
    load, version = os.getloadavg(), getattr(connection, "pg_version", "?")
    print(
        f"insurer {insurer.number}: {insurer.persons.count():,} members, {insurer.checkups.count():,} checkups, "
        f"{insurer.programmes.count():,} programmes; PostgreSQL {version}; "
        f"{os.cpu_count()} cores; "
        f"load {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
    )
    year = args.fiscal_year
    worst = max(
        _time("statutory_report", lambda: statutory_format.as_json(statutory_report(insurer=insurer, fiscal_year=year)),
              args.runs),
        _time("outcome_report", lambda: outcome_format.as_json(outcome_report(insurer=insurer, fiscal_year=year)),
              args.runs),
    )  # fmt: skip
    print(f"worst median {worst:.2f} s — {'PASS' if worst < LIMIT_SECONDS else 'FAIL'} (limit {LIMIT_SECONDS:.0f} s)")
    if worst >= LIMIT_SECONDS:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
