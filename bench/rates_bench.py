"""Time the rate snapshots (SPEC §6, all rates with breakdowns) for the bench insurer on PostgreSQL.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tokutei_bench_rates
    .venv/bin/python bench/rates_generate_population.py --members 1000000   # once
    .venv/bin/python bench/rates_bench.py [--runs 3]

Each run computes, in this process as the Celery task would: FY2025 (a closed year, metabolic reduction against
the base year FY2024, so four grouped queries) and FY2026 (the current year: two grouped queries, the base year
again, and the look-ahead counts). Prints every run and the median; the target is under 10 s per snapshot.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402

from members.models import Insurer  # noqa: E402
from rates.models import RateSnapshot, ReductionBase  # noqa: E402
from rates.services import rate_snapshot_compute_now  # noqa: E402

BENCH_INSURER_NUMBER = "06555555"
TODAY = dt.date(2026, 11, 26)
LIMIT_SECONDS = 10.0  # issue #7 acceptance: all rates with breakdowns under 10 s


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("run on PostgreSQL (DATABASE_URL)")
    insurer = Insurer.objects.get(number=BENCH_INSURER_NUMBER)
    ReductionBase.objects.update_or_create(insurer=insurer, defaults={"base_fiscal_year": 2024})
    members = insurer.persons.count()
    version = getattr(connection, "pg_version", "?")
    print(f"insurer {insurer.number}: {members:,} members; PostgreSQL {version}; {os.cpu_count()} cores")
    worst = 0.0
    for year in (2025, 2026):
        timings = []
        for _ in range(args.runs):
            started = time.monotonic()
            snapshot = rate_snapshot_compute_now(insurer=insurer, fiscal_year=year, today=TODAY)
            timings.append(time.monotonic() - started)
            assert snapshot.status == RateSnapshot.Status.DONE, snapshot.error
        median = statistics.median(timings)
        worst = max(worst, max(timings))
        look = snapshot.lookahead.get("guidance", {})
        print(
            f"FY{year}: runs {', '.join(f'{t:.2f}' for t in timings)} s, median {median:.2f} s | "
            f"checkup {snapshot.checkup_numerator:,}/{snapshot.checkup_denominator:,} ({_pct(snapshot.checkup_rate)}), "
            f"guidance {snapshot.guidance_numerator:,}/{snapshot.guidance_denominator:,} "
            f"({_pct(snapshot.guidance_rate)}), reduction vs FY2024 {_pct(snapshot.metabolic_reduction)}, "
            f"{len(snapshot.breakdown)} breakdown rows"
            + (f", look-ahead: finishable {look['finishable']:,}, at risk {look['at_risk']:,}" if look else "")
        )
    print(f"slowest run {worst:.2f} s: {'PASS' if worst < LIMIT_SECONDS else 'FAIL'} (limit {LIMIT_SECONDS:.0f} s)")
    RateSnapshot.objects.filter(insurer=insurer).delete()


if __name__ == "__main__":
    main()
