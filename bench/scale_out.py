"""Scale-out: the same set of MHLW archives imported by 1 and then by 2 real Celery worker processes.

    .venv/bin/python bench/scale_out.py [--archives 8] [--persons-per-archive 500] [--workers 1 2]

* Generates ARCHIVES × PERSONS_PER_ARCHIVE distinct persons (bench/import_generate.py: the synthetic sample CDA
  with values drawn per person) split into one archive per clinic submission, and loads their roster into its
  own database `tokutei_bench_scale` (created if missing; the name must contain "bench").
* For each worker count: clears what the previous round imported, starts that many `celery worker --pool=solo`
  processes on a private queue (Redis: CELERY_BROKER_URL, default redis://127.0.0.1:6379/0), receives every
  archive as a clinic upload (stored, then one Celery task each — the API path) and measures from the first
  enqueue until every upload is done. Checks every record was stored exactly once.
* Reports persons/s per worker count and the speed-up. Each worker is one process, as each would be one machine
  (or one container) in production; on this 2-core VM PostgreSQL shares the same two cores. docs/scaling.md.
"""

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tokutei_bench_scale"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    if "bench" not in name:
        raise SystemExit(f"refusing to use {name!r}: the bench database name must contain 'bench'")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _archives(count: int, per_archive: int) -> tuple[list[tuple[str, bytes]], list]:
    import datetime as dt

    from bench.import_generate import CLINIC_NUMBER, INSURER_NUMBER, generate
    from checkups.mhlw.archive import build_archive

    documents, roster = generate(count * per_archive)
    archives = []
    for serial in range(count):
        part = documents[serial * per_archive : (serial + 1) * per_archive]
        archives.append(
            build_archive(CLINIC_NUMBER, INSURER_NUMBER, dt.date(2026, 4, 1), serial + 1, part, interaction_type=6)
        )
    return archives, roster


def _load_roster(roster: list) -> None:
    from django.db import transaction

    from bench.import_generate import CARD_SYMBOL, INSURER_NUMBER
    from members.codes import InsurerType, Relationship
    from members.models import Clinic, Enrollment, InsuredPerson, Insurer

    with transaction.atomic():
        insurer, _ = Insurer.objects.get_or_create(
            number=INSURER_NUMBER, defaults={"name": "ベンチ健保", "insurer_type": InsurerType.SINGLE_KENPO}
        )
        Clinic.objects.get_or_create(number="9999999999", defaults={"name": "ベンチ健診クリニック"})
        if InsuredPerson.objects.filter(insurer=insurer).count() == len(roster):
            return
        _clear()
        InsuredPerson.objects.filter(insurer=insurer).delete()
        people = InsuredPerson.objects.bulk_create(
            InsuredPerson(
                insurer=insurer,
                card_symbol=CARD_SYMBOL,
                card_number=row.card_number,
                card_branch="00",
                name_kana="ベンチ",
                sex=row.sex,
                birth_date=row.birth_date,
                relationship=Relationship.SELF,
            )
            for row in roster
        )
        # enrolled, so every record is stored (a record outside an enrollment is held, SPEC §9.5)
        Enrollment.objects.bulk_create(Enrollment(person=p, acquired_on=dt.date(2000, 4, 1)) for p in people)


def _clear() -> None:
    from bench.import_generate import INSURER_NUMBER
    from checkups.models import Checkup, HeldRecord, Upload
    from guidance.models import Programme

    Upload.objects.filter(submitter__startswith="clinic:").delete()
    HeldRecord.objects.filter(insurer__number=INSURER_NUMBER).delete()
    Programme.objects.filter(insurer__number=INSURER_NUMBER).delete()
    Checkup.objects.filter(insurer__number=INSURER_NUMBER).delete()


def _worker(url: str, broker: str, queue: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": broker,
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool=solo", "-l", "warning"]
    command += ["--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"{uuid.uuid4().hex[:8]}@bench"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _round(url: str, broker: str, archives: list[tuple[str, bytes]], workers: int) -> dict:
    from django.db.models import Count

    from bench.import_generate import INSURER_NUMBER
    from checkups.intake_types import Submitter
    from checkups.models import Checkup, Upload
    from config.celery import app
    from intake.services import upload_receive
    from intake.tasks import checkups_upload_process_task
    from members.models import Clinic

    _clear()
    queue = f"scale-{uuid.uuid4().hex[:8]}"
    processes = [_worker(url, broker, queue) for _ in range(workers)]
    clinic = Clinic.objects.get(number="9999999999")
    submitter = Submitter(label=f"clinic:{clinic.pk}", clinic=clinic)
    try:
        app.conf.task_always_eager = False
        # enqueued below, once the workers are idle; intake (ZIP checks, file stored) is not timed
        with mock.patch.object(checkups_upload_process_task, "delay", return_value=None):
            ids = [upload_receive(submitter=submitter, data=data, file_name=name).upload.pk for name, data in archives]
        time.sleep(3)  # the workers have started and wait on the queue
        worker_cpu = sum(_cpu_seconds(p.pid) for p in processes)
        started = time.monotonic()
        for upload_id in ids:
            checkups_upload_process_task.apply_async(args=(upload_id,), queue=queue)
        while Upload.objects.filter(pk__in=ids).exclude(status=Upload.Status.DONE).exists():
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        worker_cpu = sum(_cpu_seconds(p.pid) for p in processes) - worker_cpu
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(30)
        import redis

        client = redis.Redis.from_url(broker)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()
    checkups = Checkup.objects.filter(insurer__number=INSURER_NUMBER)
    doubled = checkups.values("person", "exam_date").annotate(n=Count("pk")).filter(n__gt=1).count()
    persons = sum(u.total for u in Upload.objects.filter(pk__in=ids))
    return {
        "workers": workers,
        "persons": persons,
        "seconds": elapsed,
        "checkups": checkups.count(),
        "doubled": doubled,
        "worker_cpu": worker_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--broker", default=os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER)
    parser.add_argument("--archives", type=int, default=8)
    parser.add_argument("--persons-per-archive", type=int, default=500)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    _ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["CELERY_BROKER_URL"] = args.broker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    archives, roster = _archives(args.archives, args.persons_per_archive)
    _load_roster(roster)
    print(
        f"{len(archives)} archives × {args.persons_per_archive} persons generated in {time.monotonic() - started:.0f} s"
    )
    rounds = [_round(args.database_url, args.broker, archives, workers) for workers in args.workers]
    base = rounds[0]["persons"] / rounds[0]["seconds"]
    print("| worker processes | persons | seconds | persons/s | speed-up | worker CPU s | stored once |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    for row in rounds:
        rate = row["persons"] / row["seconds"]
        once = row["checkups"] == row["persons"] and row["doubled"] == 0
        print(
            f"| {row['workers']} | {row['persons']:,} | {row['seconds']:.1f} | {rate:.0f} | {rate / base:.2f}× "
            f"| {row['worker_cpu']:.1f} | {'yes' if once else 'NO'} |"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
