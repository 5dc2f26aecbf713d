"""Where the milliseconds of one JSON upload go (issue #13): N uploads through Django's test client in one process,
on the load test's database (bench/load_test.py prepares it), timed and then profiled with cProfile.

    .venv/bin/python bench/upload_profile.py [--uploads 300] [--top 25]

Prints the median wall time per upload (routing, middleware, authentication, the view, every query), the median
CPU time of this process per upload (time.process_time: Python and the driver, not PostgreSQL's share) and the
cumulative time of the main steps per upload: API key, serializer, record preparation (validation and judgment),
matching and storing, the programme, the upload's report. The database runs on the same machine, so the wall time
includes PostgreSQL's share.
"""

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_data import django_setup, ensure_database, prepare
from bench.load_scripts import ITEMS

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tokutei_bench_load"
STEPS = {  # function name (as cProfile shows it) → step
    "authenticate": "API key (members.api_auth)",
    "run_child_validation": "the items' input validation (serializer)",
    "to_document": "JSON → document (serializer)",
    "prepare_document": "validation and judgment (intake.records)",
    "records_match": "insurer, contract, person, enrollment (intake.matching)",
    "checkups_store_matched": "store: history, write, programme, facts (intake.store)",
    "programmes_create_for_new_checkups": "  of which the programme (guidance)",
    "upload_advance": "the upload's report (intake.upload_progress)",
}


def _body(person: tuple, day: str) -> bytes:
    symbol, number, branch, birth, sex = person
    record = {
        "insurer_number": "06999999", "card_symbol": symbol, "card_number": number, "card_branch": branch,
        "name_kana": "フカシケンタロウ", "sex": sex, "birth_date": birth.isoformat(), "exam_date": day,
        "program": "010", "items": [{"code": c, "value": v} for c, v in ITEMS],
    }  # fmt: skip
    return json.dumps(record, ensure_ascii=False).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=300)
    parser.add_argument("--top", type=int, default=0, help="also print cProfile's top N by cumulative time")
    parser.add_argument(
        "--clock", choices=["wall", "cpu"], default="wall",
        help="cProfile's clock: wall (the default; the driver's waits for PostgreSQL count) or cpu (time.process_time)",
    )  # fmt: skip
    parser.add_argument("--sort", default="cumulative", help="cProfile's order of the top N (cumulative, tottime)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    ensure_database(args.database_url)
    os.environ["DJANGO_CONN_MAX_AGE"] = "60"
    os.environ["API_THROTTLE_RATE"] = "1000000/min"  # as the load test: the throttle is not what is measured
    django_setup(args.database_url)
    from django.test import Client

    key, persons, _ = prepare()
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Api-Key {key}")

    def post(i: int) -> None:
        body = _body(persons[i % len(persons)], f"2026-{4 + i // len(persons):02d}-01")
        response = client.post("/api/v1/checkups/", body, content_type="application/json")
        assert response.status_code == 201, response.content[:300]

    for i in range(20):  # warm-up
        post(i)
    times, cpu_times = [], []
    for i in range(20, 20 + args.uploads):
        start, cpu_start = time.perf_counter(), time.process_time()
        post(i)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
        times.append((time.perf_counter() - start) * 1000)
    profiler = cProfile.Profile(time.process_time) if args.clock == "cpu" else cProfile.Profile()
    profiler.enable()
    for i in range(20 + args.uploads, 20 + 2 * args.uploads):
        post(i)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"{args.uploads} uploads: median {statistics.median(times):.1f} ms, p95 "
          f"{sorted(times)[int(len(times) * 0.95)]:.1f} ms per upload (wall, unprofiled)")  # fmt: skip
    print(f"{args.uploads} uploads: median {statistics.median(cpu_times):.1f} ms, mean "
          f"{statistics.fmean(cpu_times):.1f} ms per upload (CPU of this process: time.process_time, unprofiled; "
          "PostgreSQL's share not included)")  # fmt: skip
    table = stats.stats  # type: ignore[attr-defined]  # pstats keeps its table in .stats
    total = sum(own for _, _, own, _, _ in table.values()) / args.uploads * 1000
    print(f"profiled ({args.clock} clock): {total:.1f} ms per upload (cProfile's own overhead included)")
    cumulative = {name: entry[3] for (_, _, name), entry in table.items() if name in STEPS}
    for name, step in STEPS.items():
        print(f"  {step:<58} {cumulative.get(name, 0) / args.uploads * 1000:6.2f} ms")
    if args.top:
        stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
