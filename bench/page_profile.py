"""What one self-service page costs (issue #13's load test serves them beside the uploads): per page of the load
test, the median wall time and Python CPU per view and its queries, through Django's test client in one process on
the load test's database (bench/load_test.py prepares it; the sessions are its members').

    .venv/bin/python bench/page_profile.py [--views 40] [--rounds 5] [--profile /me/]

The wall time includes PostgreSQL's share (same machine); the CPU is this process's only. `--profile PATH` then
prints cProfile's top functions of that page by cumulative time.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_data import django_setup, ensure_database, prepare
from bench.load_scripts import PAGES

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tokutei_bench_load"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--views", type=int, default=40, help="views of each page per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", default="", help="a page to profile afterwards")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    ensure_database(args.database_url)
    os.environ["DJANGO_CONN_MAX_AGE"] = "60"
    django_setup(args.database_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    _, _, cookies = prepare()
    client = Client(HTTP_HOST="127.0.0.1")
    sessions = [cookie.split("=", 1) for cookie in cookies]

    def view(path: str, i: int) -> None:
        name, value = sessions[i % len(sessions)]
        client.cookies[name] = value
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    for i, path in enumerate(PAGES * 4):  # warm-up: templates, translations, connections
        view(path, i)
    wall: dict[str, list[float]] = {path: [] for path in PAGES}
    cpu: dict[str, list[float]] = {path: [] for path in PAGES}
    for _ in range(args.rounds):  # the pages alternate, round by round
        for path in PAGES:
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            for i in range(args.views):
                view(path, i)
            wall[path].append((time.perf_counter() - start_wall) / args.views * 1000)
            cpu[path].append((time.process_time() - start_cpu) / args.views * 1000)
    print("| page | wall ms (median) | Python CPU ms (median) | queries |")
    print("|---|---:|---:|---:|")
    for path in PAGES:
        with CaptureQueriesContext(connection) as queries:
            view(path, 0)
        print(f"| {path} | {statistics.median(wall[path]):.1f} | {statistics.median(cpu[path]):.1f} | {len(queries)} |")
    mean_cpu = statistics.mean(statistics.median(values) for values in cpu.values())
    print(f"mean over the pages: {mean_cpu:.1f} ms of Python CPU per view")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(args.views):
            view(args.profile, i)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
