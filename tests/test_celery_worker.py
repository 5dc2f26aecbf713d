"""A real Celery worker process against Redis runs a real task end to end (CI: PostgreSQL + Redis)."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from members.models import InsuredPerson, RosterImport
from members.roster import ROSTER_COLUMNS, roster_prepare
from members.tasks import roster_import_apply_task
from tests.factories import InsurerFactory

BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not BROKER, reason="needs CELERY_BROKER_URL (Redis)"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="the worker needs a shared database"
    ),
]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool=solo", "-l", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = BROKER  # type: ignore[misc]  # read-only in celery-types; Celery's Settings accept the assignment
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_worker_applies_a_roster_import(worker: str) -> None:
    insurer = InsurerFactory(number="06999999")
    rows = [f"06999999,10,{1000 + i},00,テストタロウ,1,1970-01-01,self,,2000-04-01," for i in range(25)]
    data = ("\n".join([",".join(ROSTER_COLUMNS), *rows]) + "\n").encode()
    record, plan = roster_prepare(data=data, file_name="r.csv", insurer=insurer)
    assert plan is not None
    roster_import_apply_task.apply_async(args=(record.pk,), queue=worker)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        record.refresh_from_db()
        if record.status == RosterImport.Status.APPLIED:
            break
        time.sleep(0.3)
    assert record.status == RosterImport.Status.APPLIED
    assert InsuredPerson.objects.filter(insurer=insurer).count() == 25
