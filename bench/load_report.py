"""The load test's report (bench/load_test.py): each kind's figures, the stored-once check, the table printed."""

import argparse
import json
import os

from bench.load_data import CLINIC_NUMBER

TARGET_UPLOADS_PER_S = 100  # issue #9
TARGET_P95_MS = 300  # issue #9


def summary(name: str, result: dict) -> dict:
    seconds = result["duration_us"] / 1e6
    return {
        "kind": name,
        "requests": result["requests"],
        "per_s": result["requests"] / seconds,
        "p50_ms": result["p50_us"] / 1000,
        "p95_ms": result["p95_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "max_ms": result["max_us"] / 1000,
        "statuses": result["statuses"],
        "errors": {k: v for k, v in result["errors"].items() if v},
    }


def with_kinds_not_run(results: dict[str, dict]) -> None:
    """A kind left out (0 connections) is reported as not run, with zero figures."""
    empty = {"requests": 0, "per_s": 0.0, "p50_ms": 0, "p95_ms": 0, "p99_ms": 0, "statuses": {}, "errors": {}}
    for name in ("uploads", "pages"):
        results.setdefault(name, {**empty, "kind": f"{name} (not run)"})


def stored_check(created: int) -> dict[str, int]:
    """What the database holds after the run: uploads done, checkups, and any (person, exam date) stored twice."""
    from django.db.models import Count

    from checkups.models import Checkup, Upload

    stored = Upload.objects.filter(submitted_by_clinic__number=CLINIC_NUMBER, status=Upload.Status.DONE).count()
    checkups = Checkup.objects.filter(submitted_by_clinic__number=CLINIC_NUMBER)
    doubled = checkups.values("person", "exam_date").annotate(n=Count("pk")).filter(n__gt=1).count()
    return {"answered_201": created, "uploads_done": stored, "checkups": checkups.count(), "doubled": doubled}


def print_report(
    args: argparse.Namespace,
    results: dict[str, dict],
    check: dict[str, int],
    *,
    load_before: tuple[float, float, float],
    elapsed: float,
) -> None:
    """The JSON (with --json), then the table of both kinds, the targets and the stored-once check."""
    created, stored, doubled = check["answered_201"], check["uploads_done"], check["doubled"]
    report = {
        "config": {
            "gunicorn_workers": args.workers,
            "gunicorn_threads": args.threads,
            "upload_connections": args.upload_connections,
            "page_connections": args.page_connections,
            "duration_s": args.duration,
            "conn_max_age": 60,
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "results": results,
        "stored": check,
        "elapsed_s": elapsed,
    }
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    print(
        f"gunicorn -w {args.workers} --threads {args.threads}, connections uploads {args.upload_connections} / pages "
        f"{args.page_connections}, {args.duration} s, load average before {load_before[0]:.2f}, "
        f"after {os.getloadavg()[0]:.2f}"
    )
    print("| kind | requests | req/s | p50 ms | p95 ms | p99 ms | statuses |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for row in results.values():
        print(
            f"| {row['kind']} | {row['requests']:,} | {row['per_s']:.1f} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} "
            f"| {row['p99_ms']:.0f} | {row['statuses']} {row['errors'] or ''} |"
        )
    uploads = results["uploads"]
    print(
        f"uploads: {uploads['per_s']:.1f}/s (target ≥ {TARGET_UPLOADS_PER_S}), p95 {uploads['p95_ms']:.0f} ms; "
        f"pages p95 {results['pages']['p95_ms']:.0f} ms (target < {TARGET_P95_MS} ms)"
    )
    # wrk stops counting at the deadline: requests still in flight then are stored without being counted.
    in_flight = args.upload_connections
    ok = created <= stored == check["checkups"] <= created + in_flight and doubled == 0
    print(f"stored: {check} (every answered upload stored exactly once: {ok})")
