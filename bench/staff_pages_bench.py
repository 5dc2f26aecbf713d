"""Server time and query count of the staff pages on the 1,000,000-member population (issue #16).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tokutei_bench_rates
    .venv/bin/python bench/rates_generate_population.py --members 1000000   # once (bench/rates_bench.py's data)
    .venv/bin/python bench/staff_pages_bench.py [--runs 15]

A staff user of the bench insurer (保健師, created once) requests, in this process through Django's test client
(so the time is the server's: URL routing, middleware, the view, the template, every query): the person page of a
member with checkups and a programme, that programme's page, its checkup's page, and the first page of each work
list. Each page is requested once to warm the caches, then `--runs` times; prints the median and p95 in ms and the
queries of one request (constant by design; the same counts are pinned in tests at demo scale).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from guidance.models import Programme  # noqa: E402
from members.fiscal import fiscal_year_of  # noqa: E402
from members.models import Insurer, StaffMembership  # noqa: E402
from rates.models import RateSnapshot  # noqa: E402
from rates.services import rate_snapshot_compute_now  # noqa: E402
from rates.worklists import KINDS  # noqa: E402

BENCH_INSURER_NUMBER = "06555555"
LIMIT_MS = 300.0  # issue #16: each page under 300 ms server time


class _Queries(list):
    """The statements of one request with their ms (the test client resets connection.queries per request)."""

    def __enter__(self) -> "_Queries":
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._wrapper.__exit__(*exc)

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.append(((time.perf_counter() - start) * 1000, sql))


def _staff(insurer: Insurer):
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench_nurse", defaults={"is_staff": True})
    StaffMembership.objects.get_or_create(user=user, insurer=insurer, defaults={"job_title": "保健師"})
    return user


def _ensure_rate_snapshot(insurer: Insurer) -> None:
    """The work-list tabs of a large insurer show the latest rate snapshot's counts (rates.worklist_counts), as the
    nightly job leaves them in production: compute one for this fiscal year if there is none yet."""
    fiscal_year = fiscal_year_of(timezone.localdate())
    if not RateSnapshot.objects.finished().filter(insurer=insurer, fiscal_year=fiscal_year).exists():
        start = time.perf_counter()
        rate_snapshot_compute_now(insurer=insurer, fiscal_year=fiscal_year)
        print(f"computed the FY{fiscal_year} rate snapshot in {time.perf_counter() - start:.1f} s (once)")


def _pages(insurer: Insurer) -> dict[str, str]:
    programme = (
        Programme.objects.filter(insurer=insurer, fiscal_year=2025, contacts__isnull=False)
        .order_by("pk")
        .values("pk", "person_id", "checkup_id")
        .first()
    )
    if programme is None:
        sys.exit("no programme with contacts: generate the population first (see the docstring)")
    pages = {
        "home (今日の仕事)": reverse("admin:index"),
        "person page (加入者)": reverse("admin:members_insuredperson_change", args=[programme["person_id"]]),
        "programme page (保健指導)": reverse("admin:guidance_programme_change", args=[programme["pk"]]),
        "checkup page (健診結果)": reverse("admin:checkups_checkup_change", args=[programme["checkup_id"]]),
    }
    for kind, worklist in KINDS.items():
        pages[f"work list {kind} ({worklist.title})"] = reverse("admin:rates_worklist", kwargs={"kind": kind})
    return pages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--slowest", type=int, default=0, help="print this many slowest statements of each page")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL to the bench database")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    insurer = Insurer.objects.get(number=BENCH_INSURER_NUMBER)
    _ensure_rate_snapshot(insurer)
    client = Client()
    client.force_login(_staff(insurer))
    print(f"{'page':<58} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  status")
    for name, url in _pages(insurer).items():
        client.get(url)  # warm
        times = []
        with _Queries() as queries:
            response = client.get(url)
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        median = statistics.median(times)
        verdict = "ok" if median < LIMIT_MS else f"over {LIMIT_MS:.0f} ms"
        print(f"{name:<58} {median:>10.1f} {p95:>8.1f} {len(queries):>8}  {response.status_code} {verdict}")
        if args.slowest:
            for ms, sql in sorted(queries, reverse=True)[: args.slowest]:
                print(f"    {ms:8.1f} ms  {sql[:300]}")


if __name__ == "__main__":
    main()
