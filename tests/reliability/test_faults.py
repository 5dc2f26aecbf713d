"""Faults: a worker killed mid-import, the broker down at upload time, the database connection dropped during a
rate computation, two staff editing one programme at once, and tasks run twice. Nothing is lost or doubled.

The worker and database tests need PostgreSQL and Redis (CI sets DATABASE_URL and CELERY_BROKER_URL); on SQLite or
without a broker they are skipped with the reason.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections
from django.db.models import Count

import intake.tasks
import rates.services
from checkups.intake_types import Submitter
from checkups.models import Checkup, HeldRecord, Upload
from config.celery import app as celery_app
from guidance.models import Contact
from intake.tasks import (
    RESUME_AFTER,
    checkups_upload_process_task,
    checkups_uploads_resume_task,
    uploads_resume_pending,
)
from intake.uploads import upload_receive
from members.models import Enrollment, InsuredPerson
from rates.models import RateSnapshot
from rates.services import rate_snapshot_compute
from rates.tasks import rate_snapshot_compute_task
from tests.checkups.mhlw_samples import ROOT, SAMPLE_CDA, SAMPLE_INDEX, zip_bytes
from tests.conftest import key_client
from tests.factories import ClinicFactory, api_key

BROKER = os.environ.get("CELERY_BROKER_URL", "")
POSTGRES = connection.vendor == "postgresql"
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every publish is refused
PROJECT = Path(__file__).resolve().parents[2]

needs_postgres = pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (DATABASE_URL): shared DB, real locks")
needs_broker = pytest.mark.skipif(not BROKER, reason="needs CELERY_BROKER_URL (Redis) for a real worker")

# The sample CDA's card (tests/fixtures): symbol ＡＢ１２ (stored normalised), number 1234567, branch 01.
SAMPLE_CARD = b'extension="1234567" root="1.2.392.200119.6.205"'


# ---------------------------------------------------------------- helpers


def card_number(index: int) -> str:
    return f"{index:07d}"


def archive_of(persons: int) -> bytes:
    """A 4th-period archive (clinic 9999999999 → insurer 06999999) with one distinct person per record."""
    entries = {f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX.replace(b'value="1"/>', f'value="{persons}"/>'.encode())}
    for index in range(persons):
        card = f'extension="{card_number(index)}" root="1.2.392.200119.6.205"'.encode()
        entries[f"{ROOT}/DATA/h999999999920260401010{index:05d}.xml"] = SAMPLE_CDA.replace(SAMPLE_CARD, card)
    return zip_bytes(entries)


def roster_of(insurer, persons: int) -> None:
    """The persons of archive_of(persons), enrolled, so every record matches (SPEC §1.5, §9.5)."""
    people = InsuredPerson.objects.bulk_create(
        InsuredPerson(
            insurer=insurer,
            card_symbol="AB12",
            card_number=card_number(index),
            card_branch="01",
            name_kana="ケンシンタロウ",
            sex=1,
            birth_date=dt.date(1970, 1, 1),
            relationship="self",
        )
        for index in range(persons)
    )
    Enrollment.objects.bulk_create(Enrollment(person=p, acquired_on=dt.date(2000, 4, 1)) for p in people)


def assert_every_record_once(upload: Upload, insurer, persons: int) -> None:
    upload.refresh_from_db()
    assert upload.status == Upload.Status.DONE
    assert (upload.total, upload.done, upload.accepted, upload.rejected, upload.held) == (
        persons,
        persons,
        persons,
        0,
        0,
    )
    report = Upload.objects.values_list("report", flat=True).get(pk=upload.pk)
    assert sorted(entry["index"] for entry in report) == list(range(persons))  # each record reported once
    assert {entry["status"] for entry in report} == {"accepted"}
    checkups_ = Checkup.objects.filter(insurer=insurer)
    assert checkups_.count() == persons
    assert checkups_.values("person").distinct().count() == persons  # no person twice
    assert not checkups_.values("person", "exam_date").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert HeldRecord.objects.count() == 0


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def conninfo() -> str:
    db = connection.settings_dict
    password = f" password={db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname={db['NAME']}{password}"


@contextmanager
def celery_publishing_to(url: str) -> Iterator[None]:
    """Tasks are sent to a broker (not run eagerly) for the duration; the producer pool is rebuilt for `url`."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url, os.environ.get("CELERY_BROKER_URL")

    def reset_pools() -> None:
        celery_app._pool = None  # type: ignore[attr-defined]  # Celery's private producer pools: rebuilt for the URL
        celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]  # as above

    # Celery reads CELERY_BROKER_URL from the environment before its own setting: change both.
    conf.task_always_eager, conf.broker_url, os.environ["CELERY_BROKER_URL"] = False, url, url  # type: ignore[misc]  # read-only in celery-types; Celery's Settings accept the assignment
    reset_pools()
    try:
        assert conf.broker_url == url
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved[:2]  # type: ignore[misc]  # read-only in celery-types; Celery's Settings accept the assignment
        if saved[2] is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved[2]
        reset_pools()


@contextmanager
def private_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Upload tasks go to a queue of this test only, so no other worker on the same Redis takes them."""
    queue = f"fault-{uuid.uuid4().hex[:8]}"
    task = checkups_upload_process_task
    monkeypatch.setattr(task, "delay", lambda upload_id: task.apply_async(args=(upload_id,), queue=queue))
    try:
        yield queue
    finally:
        if BROKER:  # leave nothing behind in Redis: the queue and its bindings
            import redis

            client = redis.Redis.from_url(BROKER)
            client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
            client.close()


class Worker:
    """A real `celery worker` process (prefork, one child) on the test database, in its own process group."""

    def __init__(self, queue: str, **env: str) -> None:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": BROKER,
            "DJANGO_LOG_LEVEL": "WARNING",
            **env,
        }
        arguments = ["-Q", queue, "-c", "1", "--pool=prefork", "-l", "warning", "--without-mingle", "--without-gossip"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability._worker", *arguments],
            cwd=PROJECT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill_child(self) -> None:
        """The pool process running the task dies (e.g. the kernel's OOM killer); the worker itself lives."""
        children = self.children()
        assert children, "the worker has no pool process"
        for pid in children:
            os.kill(pid, signal.SIGKILL)

    def kill_all(self) -> None:
        """The whole worker dies at once (machine lost, `kill -9`): nothing is acknowledged or handed back."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def wait_for(condition, timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def progress(upload_id: int) -> tuple[str, int, int]:
    return Upload.objects.values_list("status", "done", "total").get(pk=upload_id)


# ---------------------------------------------------------------- a worker killed in the middle of an import

PERSONS = 1500  # large enough that the kill lands mid-import on this machine (asserted), small enough for CI
CHUNK = 100  # records per committed chunk in the test worker (production: 500)


@pytest.mark.slow
@pytest.mark.celery_worker
@needs_postgres
@needs_broker
@pytest.mark.parametrize("crash", ["pool_process", "whole_worker"])
def test_worker_killed_mid_import_every_record_stored_once(transactional_db, world, monkeypatch, crash) -> None:
    """acks_late + reject_on_worker_lost: a lost pool process hands the message back at once (the same worker
    runs it again); a lost worker leaves it unacknowledged in Redis, and another worker puts it back once its
    visibility timeout has passed (here 2 s instead of the default hour). The task resumes after the last
    committed chunk, so every record ends up stored and reported exactly once."""
    clinic = ClinicFactory(number="9999999999")
    roster_of(world.insurer_a, PERSONS)
    data = archive_of(PERSONS)
    workers: list[Worker] = []
    try:
        with private_queue(monkeypatch) as queue, celery_publishing_to(BROKER):
            workers.append(Worker(queue, FAULT_CHUNK_SIZE=str(CHUNK)))
            intake = upload_receive(
                submitter=Submitter(label=f"clinic:{clinic.pk}", clinic=clinic), data=data, file_name="big.zip"
            )
            upload_id = intake.upload.pk
            assert wait_for(lambda: progress(upload_id)[1] >= 3 * CHUNK, timeout=90), progress(upload_id)
            if crash == "pool_process":
                workers[0].kill_child()
            else:
                workers[0].kill_all()
            status, done, total = progress(upload_id)
            assert status == Upload.Status.PROCESSING and done < total, "import finished before the kill"
            if crash == "whole_worker":
                workers.append(Worker(queue, FAULT_CHUNK_SIZE=str(CHUNK), FAULT_VISIBILITY_TIMEOUT="2"))
            finished = wait_for(lambda: progress(upload_id)[0] == Upload.Status.DONE, timeout=120, interval=0.2)
            assert finished, progress(upload_id)
    finally:
        for worker in workers:
            worker.stop()
    assert_every_record_once(Upload.objects.get(pk=upload_id), world.insurer_a, PERSONS)


# ---------------------------------------------------------------- the broker down when a clinic uploads

BROKER_DOWN_PERSONS = 60  # above SMALL_UPLOAD_RECORDS (50): processed by a task, not in the request


def test_upload_while_broker_down_is_stored_then_resumed(transactional_db, world, monkeypatch) -> None:
    """Redis refuses the publish: the clinic still gets 202 with the upload stored as received (nothing half
    stored, no checkup yet); sending it again answers the same upload; once the broker is back the periodic
    resume task enqueues it and it is processed (eagerly here; test_resume_with_a_real_worker uses Redis)."""
    clinic = ClinicFactory(number="9999999999")
    roster_of(world.insurer_a, BROKER_DOWN_PERSONS)
    client = key_client(api_key("clinic", clinic=clinic))
    data = archive_of(BROKER_DOWN_PERSONS)
    with celery_publishing_to(CLOSED_PORT_BROKER):
        response = client.post("/api/v1/uploads/", data, content_type="application/zip")
        assert response.status_code == 202, response.content[:500]
        again = client.post("/api/v1/uploads/", data, content_type="application/zip")
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    upload = Upload.objects.get(pk=response.json()["id"])
    assert (upload.status, upload.done, upload.total) == (Upload.Status.RECEIVED, 0, BROKER_DOWN_PERSONS)
    assert bytes(upload.content) == data  # the file is kept for the task
    assert Checkup.objects.count() == 0 and HeldRecord.objects.count() == 0
    # Broker still down: the resume run finds the upload and leaves it for the next run.
    later = upload.created_at + RESUME_AFTER
    with celery_publishing_to(CLOSED_PORT_BROKER):
        assert uploads_resume_pending(now=later) == [upload.pk]
    assert progress(upload.pk)[0] == Upload.Status.RECEIVED
    # Too recent to be resumed: a live upload is not enqueued twice.
    assert uploads_resume_pending(now=upload.created_at) == []
    # Broker back (eager here): the periodic task processes it; a second run finds nothing left.
    Upload.objects.filter(pk=upload.pk).update(created_at=upload.created_at - RESUME_AFTER)  # time passes
    assert checkups_uploads_resume_task.apply().get() == 1
    assert_every_record_once(upload, world.insurer_a, BROKER_DOWN_PERSONS)
    assert checkups_uploads_resume_task.apply().get() == 0


@pytest.mark.slow
@pytest.mark.celery_worker
@needs_postgres
@needs_broker
def test_resume_with_a_real_worker(transactional_db, world, monkeypatch) -> None:
    """The received upload is picked up through Redis by a real worker once the broker answers again."""
    clinic = ClinicFactory(number="9999999999")
    roster_of(world.insurer_a, BROKER_DOWN_PERSONS)
    submitter = Submitter(label=f"clinic:{clinic.pk}", clinic=clinic)
    with private_queue(monkeypatch) as queue:
        with celery_publishing_to(CLOSED_PORT_BROKER):
            upload = upload_receive(submitter=submitter, data=archive_of(BROKER_DOWN_PERSONS), file_name="a.zip").upload
        assert progress(upload.pk)[0] == Upload.Status.RECEIVED
        worker = Worker(queue)
        try:
            with celery_publishing_to(BROKER):
                assert uploads_resume_pending(now=upload.created_at + RESUME_AFTER) == [upload.pk]
                done = wait_for(lambda: progress(upload.pk)[0] == Upload.Status.DONE, timeout=60, interval=0.2)
                assert done, progress(upload.pk)
        finally:
            worker.stop()
    assert_every_record_once(upload, world.insurer_a, BROKER_DOWN_PERSONS)


# ---------------------------------------------------------------- the database connection lost during rates


def _some_checkups(world) -> None:
    from tests.guidance.conftest import make_checkup

    for person in (world.person_a,):
        make_checkup(person, level=1, counts_for_fiscal_year=True)


@needs_postgres
@pytest.mark.parametrize("step", ["fiscal_year_cells", "reduction_inputs"])
def test_database_connection_lost_during_rate_computation(transactional_db, world, monkeypatch, step) -> None:
    """The computing backend is terminated (what a PostgreSQL restart does to it) after the snapshot started,
    inside the grouped query's transaction (fiscal_year_cells) or between autocommit queries (reduction_inputs): the
    snapshot is marked failed with the reason, the API serves no partial figures, the next run succeeds."""
    _some_checkups(world)
    client = key_client(api_key("staff", insurer=world.insurer_a))
    url = f"/api/v1/rates/?insurer={world.insurer_a.number}&fiscal_year=2025"
    snapshot = RateSnapshot.objects.create(insurer=world.insurer_a, fiscal_year=2025)
    real_step = getattr(rates.services, step)
    terminated: list[int] = []

    def step_after_the_connection_drops(*args, **kwargs):
        backend = connection.connection.info.backend_pid
        with psycopg.connect(conninfo(), autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [backend])
        terminated.append(backend)
        return real_step(*args, **kwargs)

    monkeypatch.setattr(rates.services, step, step_after_the_connection_drops)
    assert rate_snapshot_compute_task.apply(args=(snapshot.pk,)).get() == RateSnapshot.Status.FAILED
    assert terminated
    snapshot.refresh_from_db()
    assert snapshot.status == RateSnapshot.Status.FAILED and "OperationalError" in snapshot.error
    assert snapshot.computed_at is None and not snapshot.checkup_denominator
    assert client.get(url).status_code == 404  # no snapshot is served until one finishes

    monkeypatch.setattr(rates.services, step, real_step)
    # The redelivered task (or the next nightly run) computes the same snapshot again, now successfully.
    assert rate_snapshot_compute_task.apply(args=(snapshot.pk,)).get() == RateSnapshot.Status.DONE
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["checkup"]["numerator"] == 1


@needs_postgres
def test_rate_snapshot_failure_never_shadows_the_last_good_one(transactional_db, world, monkeypatch) -> None:
    _some_checkups(world)
    client = key_client(api_key("staff", insurer=world.insurer_a))
    url = f"/api/v1/rates/?insurer={world.insurer_a.number}&fiscal_year=2025"
    good = rate_snapshot_compute(snapshot_id=RateSnapshot.objects.create(insurer=world.insurer_a, fiscal_year=2025).pk)
    assert good.status == RateSnapshot.Status.DONE

    real_cells = rates.services.fiscal_year_cells

    def broken(**kwargs):
        with psycopg.connect(conninfo(), autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
        return real_cells(**kwargs)

    monkeypatch.setattr(rates.services, "fiscal_year_cells", broken)
    failed = rate_snapshot_compute(
        snapshot_id=RateSnapshot.objects.create(insurer=world.insurer_a, fiscal_year=2025).pk
    )
    assert failed.status == RateSnapshot.Status.FAILED
    body = client.get(url).json()
    assert body["computed_at"] == good.computed_at.isoformat()  # the last good figures, not the failed run


# ---------------------------------------------------------------- two staff editing one programme at once


def _contact(version: int, minutes: int) -> dict:
    return {"kind": "initial", "form": 1, "date": "2025-05-20", "minutes": minutes, "version": version}


@needs_postgres
def test_two_staff_adding_a_contact_at_once_one_gets_a_conflict(transactional_db, world) -> None:
    """Both read version v and post at the same instant, each on its own connection: one 201, one 409, one
    contact stored, version v+1 — no lost update."""
    from tests.guidance.conftest import make_programme

    programme = make_programme(world.person_a)
    version = programme.version
    keys = [api_key("staff", insurer=world.insurer_a) for _ in range(2)]
    barrier = threading.Barrier(2)
    answers: dict[int, int] = {}
    errors: list[BaseException] = []

    def edit(index: int) -> None:
        try:
            client = key_client(keys[index])
            barrier.wait()
            answers[index] = client.post(
                f"/api/v1/guidance/programmes/{programme.pk}/contacts/", _contact(version, 30 + index), format="json"
            ).status_code
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert sorted(answers.values()) == [201, 409]
    assert Contact.objects.filter(programme=programme).count() == 1
    programme.refresh_from_db()
    assert programme.version == version + 1


def test_a_stale_version_is_refused_with_409(world) -> None:
    """The same race, one after the other (runs on SQLite too): the second edit names an outdated version."""
    from tests.guidance.conftest import make_programme

    programme = make_programme(world.person_a)
    alice = key_client(api_key("staff", insurer=world.insurer_a))
    carol = key_client(api_key("staff", insurer=world.insurer_a))
    url = f"/api/v1/guidance/programmes/{programme.pk}/contacts/"
    assert alice.post(url, _contact(programme.version, 30), format="json").status_code == 201
    refused = carol.post(url, _contact(programme.version, 45), format="json")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "version_conflict"
    assert list(Contact.objects.filter(programme=programme).values_list("minutes", flat=True)) == [30]


# ---------------------------------------------------------------- tasks run twice give the same result


def test_upload_task_twice_stores_once(world) -> None:
    clinic = ClinicFactory(number="9999999999")
    roster_of(world.insurer_a, BROKER_DOWN_PERSONS)
    submitter = Submitter(label=f"clinic:{clinic.pk}", clinic=clinic)
    intake = upload_receive(submitter=submitter, data=archive_of(BROKER_DOWN_PERSONS), file_name="a.zip")
    upload_id = intake.upload.pk  # on_commit never fires inside the test transaction: the task runs below
    first = checkups_upload_process_task.apply(args=(upload_id,)).get()
    snapshot = list(Checkup.objects.order_by("pk").values_list("pk", "person_id", "guidance_level"))
    second = checkups_upload_process_task.apply(args=(upload_id,)).get()
    assert first == second == BROKER_DOWN_PERSONS
    assert list(Checkup.objects.order_by("pk").values_list("pk", "person_id", "guidance_level")) == snapshot
    assert_every_record_once(Upload.objects.get(pk=upload_id), world.insurer_a, BROKER_DOWN_PERSONS)


def test_rate_task_twice_keeps_the_first_result(world) -> None:
    _some_checkups(world)
    snapshot = RateSnapshot.objects.create(insurer=world.insurer_a, fiscal_year=2025)
    assert rate_snapshot_compute_task.apply(args=(snapshot.pk,)).get() == RateSnapshot.Status.DONE
    first = RateSnapshot.objects.values().get(pk=snapshot.pk)
    assert rate_snapshot_compute_task.apply(args=(snapshot.pk,)).get() == RateSnapshot.Status.DONE
    assert RateSnapshot.objects.values().get(pk=snapshot.pk) == first


def test_programme_tasks_twice_same_state(world) -> None:
    from guidance.models import Programme
    from guidance.tasks import programmes_refresh_open_task, programmes_sync_task
    from tests.guidance.conftest import make_checkup

    checkup = make_checkup(world.person_a, level=1)
    programmes_sync_task.apply(args=([checkup.pk],)).get()
    state = list(Programme.objects.values("pk", "checkup", "level", "status", "next_action", "version"))
    programmes_sync_task.apply(args=([checkup.pk],)).get()
    programmes_refresh_open_task.apply().get()
    after_refresh = list(Programme.objects.values("pk", "checkup", "level", "status", "next_action"))
    programmes_refresh_open_task.apply().get()
    assert list(Programme.objects.values("pk", "checkup", "level", "status", "next_action")) == after_refresh
    assert [(s["pk"], s["checkup"], s["level"]) for s in state] == [
        (s["pk"], s["checkup"], s["level"]) for s in after_refresh
    ]


def test_every_task_acknowledges_late() -> None:
    """Late acknowledgement is safe only for idempotent tasks; every task here is (tests above), so all use it."""
    tasks = {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}
    assert {"checkups.tasks.checkups_upload_process_task", "rates.tasks.rate_snapshot_compute_task"} <= set(tasks)
    assert all(task.acks_late for task in tasks.values()), [n for n, t in tasks.items() if not t.acks_late]
    assert celery_app.conf.task_reject_on_worker_lost and celery_app.conf.task_acks_late
    assert celery_app.conf.worker_prefetch_multiplier == 1
    assert intake.tasks.checkups_uploads_resume_task.acks_late


def test_pending_uploads_are_resumed_on_a_schedule() -> None:
    entry = celery_app.conf.beat_schedule["checkups: resume pending uploads"]
    assert entry["task"] == "checkups.tasks.checkups_uploads_resume_task"
    assert entry["schedule"] <= RESUME_AFTER.total_seconds()
