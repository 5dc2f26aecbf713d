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

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tokutei_bench_load"
LOAD_SYMBOL = "LT"  # card symbol of the persons created for the upload load
LOAD_PERSONS = 12_000
PAGE_SESSIONS = 50
CLINIC_NUMBER = "9999999997"
PAGES = ["/me/", "/me/checkups/", "/me/guidance/", "/me/access-log/", "/me/employer-checkups/"]
TARGET_UPLOADS_PER_S = 100  # issue #9
TARGET_P95_MS = 300  # issue #9
# A complete 4th-period record (same items as tests/checkups/documents.COMPLETE_ITEMS), values by item code.
ITEMS = [
    ("9N001000000000001", 170.0),
    ("9N006000000000001", 72.0),
    ("9N011000000000001", 24.9),
    ("9N016160100000001", 88.0),
    ("9N056000000000011", "2"),
    ("9N061000000000011", "2"),
    ("9N066000000000011", "2"),
    ("9A751000000000001", 134.0),
    ("9A752000000000001", 128.0),
    ("9A761000000000001", 86.0),
    ("9A762000000000001", 82.0),
    ("9N141000000000011", "2"),
    ("3F015000002327101", 142.0),
    ("3F070000002327101", 52.0),
    ("3F077000002327101", 131.0),
    ("3B035000002327201", 24.0),
    ("3B045000002327201", 28.0),
    ("3B090000002327101", 45.0),
    ("3D010000001926101", 104.0),
    ("3D046000001906202", 5.8),
    ("1A020000000191111", "1"),
    ("1A010000000191111", "1"),
    ("9N511000000000049", "生活習慣の改善を要す"),
    ("9N516000000000049", "架空医師"),
    ("9N701000000000011", "2"),
    ("9N706000000000011", "2"),
    ("9N711000000000011", "2"),
    ("9N736000000000011", "3"),
]

WRK_REPORT = """
statuses = {}  -- global: done() reads it from each thread
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  local codes = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      codes[tostring(code)] = (codes[tostring(code)] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(codes) do table.insert(parts, string.format('"%s": %d', code, n)) end
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, "statuses": {%s}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    table.concat(parts, ", ")))
end
"""


def _lua_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string literal is a valid Lua string literal here


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    if "bench" not in name:
        raise SystemExit(f"refusing to use {name!r}: the bench database name must contain 'bench'")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


SECRET = "bench-load-secret-not-used-anywhere-else-" + "x" * 30  # sessions made here must decode in gunicorn


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SECRET_KEY"] = SECRET
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)


def _prepare() -> tuple[str, list[tuple], list[str]]:
    """The clinic key, the upload persons (a clean slate) and session cookies of members with checkups."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from checkups.models import Checkup, Upload
    from demo.population import DEMO_INSURER_NUMBER
    from guidance.models import Programme
    from members.codes import Relationship
    from members.models import ApiKey, Clinic, Enrollment, InsuredPerson, Insurer

    insurer = Insurer.objects.get(number=DEMO_INSURER_NUMBER)
    clinic, _ = Clinic.objects.get_or_create(number=CLINIC_NUMBER, defaults={"name": "負荷試験クリニック"})
    with transaction.atomic():
        uploads = Upload.objects.filter(submitted_by_clinic=clinic)
        checkups = Checkup.objects.filter(submitted_by_clinic=clinic)
        Programme.objects.filter(checkup__in=checkups).delete()
        checkups.delete()
        uploads.delete()
    existing = InsuredPerson.objects.filter(insurer=insurer, card_symbol=LOAD_SYMBOL).count()
    if existing < LOAD_PERSONS:
        people = InsuredPerson.objects.bulk_create(
            InsuredPerson(
                insurer=insurer,
                card_symbol=LOAD_SYMBOL,
                card_number=f"{number:07d}",
                card_branch="00",
                name_kana="フカシケンタロウ",
                sex=1 + number % 2,
                birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=number % 9000),
                relationship=Relationship.SELF,
            )
            for number in range(existing, LOAD_PERSONS)
        )
        # enrolled, so every record is stored (a record outside an enrollment is held, SPEC §9.5)
        Enrollment.objects.bulk_create(Enrollment(person=p, acquired_on=dt.date(2000, 4, 1)) for p in people)
    persons = list(
        InsuredPerson.objects.filter(insurer=insurer, card_symbol=LOAD_SYMBOL)
        .order_by("card_number")
        .values_list("card_symbol", "card_number", "card_branch", "birth_date", "sex")
    )
    ApiKey.objects.filter(name="bench-load").delete()
    _, key = ApiKey.objects.create_key(name="bench-load", kind="clinic", clinic=clinic)

    user_model = get_user_model()
    members = list(
        InsuredPerson.objects.filter(insurer=insurer, checkups__isnull=False)
        .exclude(card_symbol=LOAD_SYMBOL)
        .distinct()
        .order_by("pk")[:PAGE_SESSIONS]
    )
    cookies = []
    backend = "django.contrib.auth.backends.ModelBackend"
    assert backend in settings.AUTHENTICATION_BACKENDS
    for person in members:
        if person.user_id is None:
            user = user_model.objects.create(username=f"bench-member-{person.pk}")
            user.set_unusable_password()
            user.save()
            InsuredPerson.objects.filter(pk=person.pk).update(user=user)
        else:
            user = user_model.objects.get(pk=person.user_id)
        session = SessionStore()
        session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return key, persons, cookies


def _write_scripts(directory: Path, key: str, persons: list[tuple], cookies: list[str]) -> tuple[Path, Path]:
    exam_days = [dt.date(2026, 4, 1) + dt.timedelta(days=d) for d in range(200)]  # FY2026, before "today"
    items = json.dumps([{"code": c, "value": v} for c, v in ITEMS], ensure_ascii=False, separators=(",", ":"))
    template = (
        '{"insurer_number":"06999999","card_symbol":"%s","card_number":"%s","card_branch":"%s",'
        '"name_kana":"フカシケンタロウ","sex":%d,"birth_date":"%s","exam_date":"%s","program":"010","items":'
        + items.replace("%", "%%")
        + "}"
    )
    rows = ",\n".join(
        f'{{"{symbol}","{number}","{branch}","{birth.isoformat()}",{sex}}}'
        for symbol, number, branch, birth, sex in persons
    )
    uploads = directory / "uploads.lua"
    uploads.write_text(
        f"""-- generated by bench/load_test.py: one new person and exam per request
local persons = {{
{rows}
}}
local days = {{{", ".join(_lua_string(d.isoformat()) for d in exam_days)}}}
local template = {_lua_string(template)}
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = {_lua_string("Api-Key " + key)}
function request()
  local p = persons[counter % #persons + 1]
  local day = days[math.floor(counter / #persons) % #days + 1]
  counter = counter + 1
  return wrk.format(nil, "/api/v1/checkups/", nil, string.format(template, p[1], p[2], p[3], p[5], p[4], day))
end
{WRK_REPORT}""",
        encoding="utf-8",
    )
    pages = directory / "pages.lua"
    pages.write_text(
        f"""-- generated by bench/load_test.py: logged-in persons reading their pages
local cookies = {{{", ".join(_lua_string(c) for c in cookies)}}}
local paths = {{{", ".join(_lua_string(p) for p in PAGES)}}}
local counter = 0
function request()
  counter = counter + 1
  local headers = {{}}
  headers["Cookie"] = cookies[counter % #cookies + 1]
  return wrk.format("GET", paths[counter % #paths + 1], headers, nil)
end
{WRK_REPORT}""",
        encoding="utf-8",
    )
    return uploads, pages


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(url: str, port: int) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "WARNING",
        "API_KEY_THROTTLE_RATE": "10000000/min",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": "",
    }


def _start_gunicorn(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = _server_env(url, port)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "--backlog",
        "256",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not start")


def _wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        return shutil.which("wrk") or "wrk"
    raise SystemExit("wrk is needed: sudo apt-get install wrk")


def _run_wrk(wrk: str, script: Path, base: str, connections: int, duration: int) -> subprocess.Popen:
    return subprocess.Popen(
        [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script), base],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _result(process: subprocess.Popen) -> dict:
    output, _ = process.communicate()
    for line in output.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise SystemExit(f"wrk gave no result:\n{output}")


def _summary(name: str, result: dict) -> dict:
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

    _ensure_database(args.database_url)
    _django(args.database_url)
    from django.db import connection

    key, persons, cookies = _prepare()
    needed = (args.duration + args.warmup) * 400
    if len(persons) * 200 < needed:
        raise SystemExit("not enough upload persons × exam days for this duration")
    connection.close()
    wrk = _wrk()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="load-") as directory:
        uploads_lua, pages_lua = _write_scripts(Path(directory), key, persons, cookies)
        server = _start_gunicorn(args.database_url, port, args.workers, args.threads)
        try:
            if args.warmup:  # fill connection pools and caches; the warm-up's uploads use other exam days
                warm = Path(directory) / "warm.lua"
                warm.write_text(pages_lua.read_text(encoding="utf-8"), encoding="utf-8")
                _result(_run_wrk(wrk, warm, base, 4, args.warmup))
            load_before = os.getloadavg()
            started = time.monotonic()
            kinds = {"uploads": (uploads_lua, args.upload_connections), "pages": (pages_lua, args.page_connections)}
            runs = {  # 0 connections leaves a kind out (to measure the other alone)
                name: _run_wrk(wrk, script, base, connections, args.duration)
                for name, (script, connections) in kinds.items()
                if connections
            }
            results = {name: _summary(name, _result(process)) for name, process in runs.items()}
            elapsed = time.monotonic() - started
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
    from django.db.models import Count

    from checkups.models import Checkup, Upload

    empty = {"requests": 0, "per_s": 0.0, "p50_ms": 0, "p95_ms": 0, "p99_ms": 0, "statuses": {}, "errors": {}}
    for name in ("uploads", "pages"):
        results.setdefault(name, {**empty, "kind": f"{name} (not run)"})
    created = results["uploads"]["statuses"].get("201", 0)
    stored = Upload.objects.filter(submitted_by_clinic__number=CLINIC_NUMBER, status=Upload.Status.DONE).count()
    checkups = Checkup.objects.filter(submitted_by_clinic__number=CLINIC_NUMBER)
    doubled = checkups.values("person", "exam_date").annotate(n=Count("pk")).filter(n__gt=1).count()
    check = {"answered_201": created, "uploads_done": stored, "checkups": checkups.count(), "doubled": doubled}
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


if __name__ == "__main__":
    main()
