"""Concurrent duplicate uploads on PostgreSQL: real threads, real transactions, one stored (unique constraints)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from checkups.intake_types import Submitter
from checkups.models import Checkup, Upload
from intake.services import checkup_submit
from intake.uploads import upload_receive
from tests.checkups.documents import document
from tests.checkups.test_uploads_support import cda
from tests.factories import ClinicFactory, InsurerFactory, PersonFactory

THREADS = 4


def _race(work: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(THREADS)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


@pytest.fixture
def pg(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite serialises writers")
    insurer = InsurerFactory(number="06999999")
    return PersonFactory(insurer=insurer, card_number="111"), ClinicFactory(number="9999999999")


def test_concurrent_duplicate_files_store_once(pg) -> None:
    person, clinic = pg
    submitter = Submitter(label=f"clinic:{clinic.pk}", clinic=clinic)
    data = cda(person)
    intakes = _race(lambda: upload_receive(submitter=submitter, data=data, file_name="h1.xml"))
    assert sorted(i.created for i in intakes) == [False] * (THREADS - 1) + [True]
    assert {i.upload.pk for i in intakes} == {Upload.objects.get().pk}
    assert Checkup.objects.count() == 1
    finished = [i.upload for i in intakes]
    assert all(u.status == Upload.Status.DONE and u.accepted == 1 for u in finished)  # each answers the result


def test_concurrent_json_with_one_idempotency_key_stores_once(pg) -> None:
    person, clinic = pg
    submitter = Submitter(label=f"clinic:{clinic.pk}", clinic=clinic)
    results = _race(
        lambda: checkup_submit(submitter=submitter, document=document(person), body=b"{}", idempotency_key="same")
    )
    assert sum(not r.replayed for r in results) == 1
    assert {r.entry["checkup"] for r in results} == {Checkup.objects.get().pk}
    assert Upload.objects.count() == 1
