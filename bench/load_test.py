"""Load test: clinic JSON uploads and self-service page views at the same time, against gunicorn on PostgreSQL.

    .venv/bin/python bench/load_test.py [--duration 60] [--workers 4] [--threads 1]
                                        [--upload-connections 8] [--page-connections 8]

* Database `tokutei_bench_load` (created if missing; the name must contain "bench"), migrated and loaded with
  `seed_demo` once; each run adds (once) LOAD_PERSONS persons without checkups for the uploads, removes what the
  previous run uploaded, and opens PAGE_SESSIONS logged-in sessions of demo persons that have checkups.
* gunicorn runs `config.settings.production` (test secret, DJANGO_SECURE_SSL_REDIRECT=false, ALLOWED_HOSTS
  127.0.0.1, persistent DB connections, API key throttle raised so it does not limit the run) on loopback.
* Two `wrk` processes (Debian package `wrk`; installed with apt-get when missing and running as root) drive, at
  the same time and for the same duration: POST /api/v1/checkups/ with a clinic key (one new person and exam per
  request), and GET of the person's pages (/me/, checkups, guidance, access log, employer checkups) with a
  session cookie. Both are closed loops: N connections, each sending its next request when the answer arrives.
* Reported per kind: requests, requests/s, p50/p95/p99 latency, status counts; then every 201 upload is checked
  to be stored exactly once. Targets (issue #9): ≥ 100 uploads/s and p95 < 300 ms. Results: docs/benchmarks.md.
"""
# The steps live in bench modules (this docstring is the --help text): load_data (database, seed, persons and
# sessions), load_scripts (the wrk Lua scripts), load_client (gunicorn and wrk), load_report (figures, the
# stored-once check, the table).

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tokutei_bench_load"

from bench.load_client import find_wrk, free_port, run_wrk, start_gunicorn, wrk_result  # noqa: E402
from bench.load_data import django_setup, ensure_database, prepare  # noqa: E402
from bench.load_report import print_report, stored_check, summary, with_kinds_not_run  # noqa: E402
from bench.load_scripts import write_scripts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--duration", type=int, default=60, help="seconds of measured load")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--upload-connections", type=int, default=8)
    parser.add_argument("--page-connections", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    ensure_database(args.database_url)
    django_setup(args.database_url)
    from django.db import connection

    key, persons, cookies = prepare()
    needed = (args.duration + args.warmup) * 400
    if len(persons) * 200 < needed:
        raise SystemExit("not enough upload persons × exam days for this duration")
    connection.close()
    wrk = find_wrk()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="load-") as directory:
        uploads_lua, pages_lua = write_scripts(Path(directory), key, persons, cookies)
        server = start_gunicorn(args.database_url, port, args.workers, args.threads)
        try:
            if args.warmup:  # fill connection pools and caches; the warm-up's uploads use other exam days
                warm = Path(directory) / "warm.lua"
                warm.write_text(pages_lua.read_text(encoding="utf-8"), encoding="utf-8")
                wrk_result(run_wrk(wrk, warm, base, 4, args.warmup))
            load_before = os.getloadavg()
            started = time.monotonic()
            kinds = {"uploads": (uploads_lua, args.upload_connections), "pages": (pages_lua, args.page_connections)}
            runs = {  # 0 connections leaves a kind out (to measure the other alone)
                name: run_wrk(wrk, script, base, connections, args.duration)
                for name, (script, connections) in kinds.items()
                if connections
            }
            results = {name: summary(name, wrk_result(process)) for name, process in runs.items()}
            elapsed = time.monotonic() - started
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
    with_kinds_not_run(results)
    created = results["uploads"]["statuses"].get("201", 0)
    print_report(args, results, stored_check(created), load_before=load_before, elapsed=elapsed)


if __name__ == "__main__":
    main()
