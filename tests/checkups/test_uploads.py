"""Upload intake and processing (intake.uploads): per-record report, hardening, idempotency, employers."""

import datetime as dt
import json

import pytest
from django.db import connection

from checkups.codes import Source
from checkups.intake_types import Submitter
from checkups.mhlw.cda import parse_cda
from checkups.models import Checkup, HeldRecord, Upload, UploadReportPart
from checkups.serializers import UploadSerializer
from checkups.upload_report import upload_report_rows
from intake import upload_chunks, upload_members, uploads
from intake.services import checkup_store
from intake.uploads import IdempotencyKeyReused, upload_process, upload_receive
from tests.checkups.documents import document
from tests.checkups.mhlw_samples import ROOT, SAMPLE_CDA, SAMPLE_INDEX
from tests.checkups.test_mhlw_safe_xml import BILLION_LAUGHS
from tests.checkups.test_uploads_support import (
    archive_of,
    cda,
    employer_cda,
    sample_archive_fixed,
    sample_person,
    zip_fixed,
)
from tests.factories import EmployerFactory, PersonFactory

TG_FASTING = "3F015000002327101"
MEAL_TIMING = "9N141000000000011"
SMOKING = "9N736000000000011"


@pytest.fixture
def clinic_submitter(clinic_x) -> Submitter:
    return Submitter(label=f"clinic:{clinic_x.pk}", clinic=clinic_x)


def _receive(submitter: Submitter, data: bytes, name: str = "upload.zip", **kwargs) -> Upload:
    return upload_receive(submitter=submitter, data=data, file_name=name, **kwargs).upload


def _only_record(upload: Upload) -> dict:
    assert upload.status == Upload.Status.DONE, upload.error
    (entry,) = upload.report
    return entry


def test_sample_archive_imports_with_the_same_item_values(world, clinic_submitter) -> None:
    person = sample_person(world.insurer_a)
    upload = _receive(clinic_submitter, sample_archive_fixed())
    entry = _only_record(upload)
    assert entry["status"] == "accepted", entry
    checkup = Checkup.objects.get(pk=entry["checkup"])
    assert checkup.person == person  # full-width 記号 ＡＢ１２ on the file matches AB12 (SPEC §1.5)
    assert checkup.submitted_by_clinic == clinic_submitter.clinic
    assert checkup.source == Source.FILE_IMPORT
    assert checkup.items == parse_cda(SAMPLE_CDA).items_dict()
    assert (upload.total, upload.done, upload.accepted) == (1, 1, 1)
    assert upload.insurer == world.insurer_a


def test_one_bad_record_never_blocks_the_good_ones(world, clinic_submitter) -> None:
    good = world.person_a
    other = PersonFactory(insurer=world.insurer_a, card_number="333", birth_date=dt.date(1965, 3, 3))
    data = archive_of(
        [
            cda(good),
            b"<ClinicalDocument><unclosed>",  # malformed XML
            cda(other, items={SMOKING: "9"}),  # answer outside its set
            cda(None, card_number="404"),  # nobody with this card: held
            cda(other, exam_date=dt.date(2025, 7, 1)),
        ]
    )
    upload = _receive(clinic_submitter, data)
    statuses = [entry["status"] for entry in upload.report]
    assert statuses == ["accepted", "rejected", "rejected", "held", "accepted"]
    assert (upload.accepted, upload.rejected, upload.held) == (2, 2, 1)
    assert upload.report[1]["errors"][0]["code"] == "unreadable_file"
    assert "Malformed XML" in upload.report[1]["errors"][0]["message_en"]
    assert Checkup.objects.count() == 2
    assert HeldRecord.objects.get().pk == upload.report[3]["held"]


@pytest.mark.parametrize(
    ("items", "code", "needle"),
    [
        ({"9N999000000000011": ("CD", "1", "", "")}, "unknown_item_code", "9N999000000000011"),
        ({SMOKING: "9"}, "answer_not_in_set", "'9'"),
        ({MEAL_TIMING: None}, "meal_timing_required", TG_FASTING),  # fasting TG without 採血時間 2 (SPEC §9.4)
        ({MEAL_TIMING: "3"}, "meal_timing_required", TG_FASTING),
    ],
)
def test_rejected_record_names_item_value_and_rule(world, clinic_submitter, items, code, needle) -> None:
    upload = _receive(clinic_submitter, cda(world.person_a, items=items), "h1.xml")
    entry = _only_record(upload)
    assert entry["status"] == "rejected"
    error = next(e for e in entry["errors"] if e["code"] == code)
    assert needle in error["message_en"]
    assert needle in error["message_ja"]
    assert not Checkup.objects.exists()


def test_unknown_insurer_is_rejected(world, clinic_submitter) -> None:
    upload = _receive(clinic_submitter, cda(world.person_a, insurer_number="01234567"), "h1.xml")
    (error,) = _only_record(upload)["errors"]
    assert (error["field"], error["code"], error["value"]) == ("insurer_number", "unknown_insurer", "01234567")
    assert not HeldRecord.objects.exists()


def test_unmatched_person_is_held_with_the_reason(world, clinic_submitter) -> None:
    upload = _receive(clinic_submitter, cda(world.person_a, birth_date=dt.date(1970, 1, 2)), "h1.xml")
    entry = _only_record(upload)
    assert entry["status"] == "held"
    held = HeldRecord.objects.get(pk=entry["held"])
    assert held.submitted_by_clinic == clinic_submitter.clinic
    assert "生年月日" in held.reason_ja
    assert not Checkup.objects.exists()


def test_billion_laughs_record_is_rejected_quickly(world, clinic_submitter) -> None:
    upload = _receive(clinic_submitter, archive_of([BILLION_LAUGHS, cda(world.person_a)]))
    assert [e["status"] for e in upload.report] == ["rejected", "accepted"]
    assert "DOCTYPE" in upload.report[0]["errors"][0]["message_en"]


def test_external_entity_leaks_nothing(world, clinic_submitter, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xxe = SAMPLE_CDA.replace(
        b"<ClinicalDocument", f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>\n<ClinicalDocument'.encode(), 1
    ).replace(b"<name>\xe3\x82\xb1", b"<name>&xxe;\xe3\x82\xb1", 1)
    sample_person(world.insurer_a)
    upload = _receive(clinic_submitter, xxe, "h1.xml")
    entry = _only_record(upload)
    assert entry["status"] == "rejected"
    stored = json.dumps([upload.report, list(HeldRecord.objects.values()), list(Checkup.objects.values("items"))])
    assert "TOP-SECRET" not in stored
    assert not Checkup.objects.exists()


def test_zip_bomb_fails_the_file_before_extraction(world, clinic_submitter) -> None:
    bomb = zip_fixed({f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX, f"{ROOT}/DATA/h1.xml": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    upload = _receive(clinic_submitter, bomb)
    assert upload.status == Upload.Status.FAILED
    assert "compression ratio" in upload.error["message_en"]
    assert upload.report == []
    again = upload_receive(submitter=clinic_submitter, data=bomb, file_name="again.zip")
    assert (again.created, again.upload.pk) == (False, upload.pk)  # the same answer, not a new attempt


def test_path_traversal_entry_fails_the_file(world, clinic_submitter) -> None:
    data = zip_fixed({f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX, f"{ROOT}/DATA/../../../etc/h1.xml": cda(world.person_a)})
    upload = _receive(clinic_submitter, data)
    assert upload.status == Upload.Status.FAILED
    assert "unsafe path" in upload.error["message_en"]
    assert not Checkup.objects.exists()


def test_duplicate_file_is_stored_once_and_answers_the_first_result(world, clinic_submitter) -> None:
    sample_person(world.insurer_a)
    first = upload_receive(submitter=clinic_submitter, data=sample_archive_fixed(), file_name="a.zip")
    second = upload_receive(submitter=clinic_submitter, data=sample_archive_fixed(), file_name="b.zip")
    assert first.created and not second.created
    assert second.upload.pk == first.upload.pk
    assert second.upload.report == first.upload.report
    assert Checkup.objects.count() == 1
    assert Upload.objects.count() == 1


def test_same_idempotency_key_answers_the_first_upload(world, clinic_submitter) -> None:
    data = cda(world.person_a)
    first = upload_receive(submitter=clinic_submitter, data=data, file_name="a.xml", idempotency_key="k1")
    second = upload_receive(submitter=clinic_submitter, data=data, file_name="b.xml", idempotency_key="k1")
    assert (second.created, second.upload.pk) == (False, first.upload.pk)
    other = cda(world.person_a, exam_date=dt.date(2025, 7, 1))
    with pytest.raises(IdempotencyKeyReused):  # another body with the key (issue #13)
        upload_receive(submitter=clinic_submitter, data=other, file_name="b.xml", idempotency_key="k1")
    assert Checkup.objects.count() == 1


def test_same_file_from_another_submitter_is_its_own_upload(world, clinic_submitter, clinic_y) -> None:
    sample_person(world.insurer_a)
    _receive(clinic_submitter, sample_archive_fixed())
    other = upload_receive(
        submitter=Submitter(label=f"clinic:{clinic_y.pk}", clinic=clinic_y),
        data=sample_archive_fixed(),
        file_name="a.zip",
    )
    assert other.created
    assert Checkup.objects.count() == 1  # the re-send replaces the same exam (person, date, programme)


def test_racing_duplicate_gets_the_committed_upload(world, clinic_submitter, monkeypatch) -> None:
    """Two transactions: the second passed the look-up before the first committed; the unique constraint wins."""
    first = _receive(clinic_submitter, cda(world.person_a), "a.xml")
    real = uploads.existing_upload
    calls = iter([None])
    monkeypatch.setattr(uploads, "existing_upload", lambda *a: next(calls, None) or real(*a))
    second = upload_receive(submitter=clinic_submitter, data=cda(world.person_a), file_name="a.xml")
    assert (second.created, second.upload.pk) == (False, first.pk)
    assert Checkup.objects.count() == 1
    assert Upload.objects.count() == 1


def test_large_upload_runs_in_a_task_with_progress(
    world, clinic_submitter, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    people = [PersonFactory(insurer=world.insurer_a, card_number=f"7{i:03d}") for i in range(5)]
    monkeypatch.setattr(uploads, "SMALL_UPLOAD_RECORDS", 2)
    monkeypatch.setattr(upload_chunks, "CHUNK_SIZE", 2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        intake = upload_receive(
            submitter=clinic_submitter, data=archive_of([cda(p) for p in people]), file_name="big.zip"
        )
    assert intake.upload.status == Upload.Status.RECEIVED
    assert (intake.upload.done, intake.upload.total) == (0, 5)
    assert len(callbacks) == 1
    callbacks[0]()  # the Celery task (eager in tests)
    upload = Upload.objects.get(pk=intake.upload.pk)
    assert (upload.status, upload.done, upload.accepted) == (Upload.Status.DONE, 5, 5)
    assert [e["index"] for e in upload.report] == [0, 1, 2, 3, 4]


def test_interrupted_processing_resumes_without_storing_twice(world, clinic_submitter, monkeypatch) -> None:
    people = [PersonFactory(insurer=world.insurer_a, card_number=f"8{i:03d}") for i in range(5)]
    monkeypatch.setattr(uploads, "SMALL_UPLOAD_RECORDS", 0)
    upload = upload_receive(
        submitter=clinic_submitter, data=archive_of([cda(p) for p in people]), file_name="big.zip", process_now=False
    ).upload
    real = upload_chunks.records_receive
    calls = {"n": 0}

    def crash_on_third_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker lost")
        return real(*args, **kwargs)

    monkeypatch.setattr(upload_chunks, "records_receive", crash_on_third_chunk)
    with pytest.raises(RuntimeError):
        upload_process(upload_id=upload.pk, chunk_size=2)
    upload.refresh_from_db()
    assert (upload.done, upload.status) == (4, Upload.Status.PROCESSING)
    monkeypatch.setattr(upload_chunks, "records_receive", real)
    upload_process(upload_id=upload.pk, chunk_size=2)  # the retried task
    upload_process(upload_id=upload.pk, chunk_size=2)  # and once more: nothing left to do
    upload.refresh_from_db()
    assert (upload.done, upload.accepted, upload.status) == (5, 5, Upload.Status.DONE)
    assert [e["index"] for e in upload.report] == [0, 1, 2, 3, 4]
    assert Checkup.objects.count() == 5


def test_employer_upload_keeps_what_is_missing_for_the_specific_checkup(world) -> None:
    employer = EmployerFactory(insurer=world.insurer_a)
    submitter = Submitter(label=f"employer:{employer.pk}", employer=employer)
    doc_items = {"9N701000000000011": None, "9N736000000000011": None}  # questionnaire not asked at work
    upload = _receive(submitter, employer_cda(world.person_a, items=doc_items), "h1.xml")
    entry = _only_record(upload)
    assert entry["status"] == "accepted", entry
    checkup = Checkup.objects.get(pk=entry["checkup"])
    assert (checkup.source, checkup.submitted_by_employer, checkup.program) == (Source.EMPLOYER, employer, "030")
    assert not checkup.is_complete
    missing = {m["field"] for m in checkup.missing_items}
    assert {"items[9N701000000000011]", "items[9N736000000000011]"} <= missing
    assert upload.insurer == world.insurer_a


def test_employer_cannot_send_for_another_insurer(world) -> None:
    employer = EmployerFactory(insurer=world.insurer_a)
    submitter = Submitter(label=f"employer:{employer.pk}", employer=employer)
    upload = _receive(submitter, employer_cda(world.person_b), "h1.xml")
    (error,) = _only_record(upload)["errors"]
    assert error["code"] == "insurer_not_of_employer"


def test_employer_sender_archive_is_stored_as_employer_data(world) -> None:
    index = SAMPLE_INDEX.replace(b'extension="9999999999"', b'extension="6631111116"').replace(
        b'<serviceEventType code="1"/>', b'<serviceEventType code="4"/>'
    )
    upload = _receive(Submitter(label="command"), archive_of([employer_cda(world.person_a)], index=index))
    checkup = Checkup.objects.get(pk=_only_record(upload)["checkup"])
    assert checkup.source == Source.EMPLOYER


def test_bulk_path_stores_what_the_single_service_stores(world, clinic_submitter) -> None:
    twin = PersonFactory(insurer=world.insurer_b, card_number="222b", birth_date=world.person_a.birth_date)
    single, _ = checkup_store(person=twin, document=document(twin), source=Source.FILE_IMPORT)
    upload = _receive(clinic_submitter, cda(world.person_a), "h1.xml")
    bulk = Checkup.objects.get(pk=_only_record(upload)["checkup"])
    ignored = {"id", "person", "insurer", "created_at", "updated_at", "stratified_at", "submitted_by_clinic", "clinic"}
    fields = [f.name for f in Checkup._meta.concrete_fields if f.name not in ignored]
    assert {f: getattr(bulk, f) for f in fields} == {f: getattr(single, f) for f in fields}


def test_resend_in_a_later_upload_replaces_the_exam(world, clinic_submitter) -> None:
    _receive(clinic_submitter, cda(world.person_a), "a.xml")
    upload = _receive(clinic_submitter, cda(world.person_a, items={"9N016160100000001": "80.0"}), "b.xml")
    entry = _only_record(upload)
    assert entry["created"] is False
    checkup = Checkup.objects.get()
    assert str(checkup.waist_cm) == "80.0"
    assert checkup.guidance_level == 3  # waist 80, BMI 24.9: neither group → 情報提供 (SPEC §2.2)


def test_same_exam_twice_in_one_archive_is_one_checkup(world, clinic_submitter) -> None:
    upload = _receive(clinic_submitter, archive_of([cda(world.person_a), cda(world.person_a)]))
    assert [e["status"] for e in upload.report] == ["accepted", "accepted"]
    assert upload.report[0]["checkup"] == upload.report[1]["checkup"]
    assert Checkup.objects.count() == 1


def _judged_fields(checkup: Checkup) -> dict:
    ignored = {"id", "person", "insurer", "created_at", "updated_at", "stratified_at", "submitted_by_clinic", "clinic"}
    return {f.name: getattr(checkup, f.name) for f in Checkup._meta.concrete_fields if f.name not in ignored}


def test_in_memory_judgment_uses_last_years_counted_checkup(world, clinic_submitter) -> None:
    """SPEC §2.8 through the bulk path equals the service path (a twin person judged by checkup_store)."""
    twin = PersonFactory(insurer=world.insurer_a, card_number="twin", birth_date=world.person_a.birth_date)
    last_year = {"9N016160100000001": "95.0", "9N006000000000001": "80.0", "9N011000000000001": "27.7"}
    this_year = {"9N016160100000001": "93.0", "9N006000000000001": "78.0", "9N011000000000001": "27.0"}
    for person in (world.person_a, twin):
        checkup_store(person=person, document=document(person, exam_date=dt.date(2024, 6, 10), items=last_year),
                      source=Source.FILE_IMPORT)  # fmt: skip
    upload = _receive(clinic_submitter, cda(world.person_a, items=this_year), "h1.xml")
    bulk = Checkup.objects.get(pk=_only_record(upload)["checkup"])
    single, _ = checkup_store(person=twin, document=document(twin, items=this_year), source=Source.FILE_IMPORT)
    assert bulk.consecutive_intensive_eligible is True
    assert _judged_fields(bulk) == _judged_fields(single)


def test_worker_processes_give_the_same_result(world, clinic_submitter, monkeypatch) -> None:
    if connection.vendor != "postgresql":  # fork with an open in-memory SQLite test database
        pytest.skip("worker processes run on PostgreSQL imports")
    people = [PersonFactory(insurer=world.insurer_a, card_number=f"6{i:03d}") for i in range(7)]
    monkeypatch.setattr(upload_members, "WORKER_BATCH", 2)
    data = archive_of([cda(p) for p in people] + [b"<bad", cda(None, card_number="0")])
    upload = upload_receive(submitter=clinic_submitter, data=data, file_name="big.zip", process_now=False).upload
    done = upload_process(upload_id=upload.pk, chunk_size=3, processes=2)
    assert (done.status, done.accepted, done.rejected, done.held) == (Upload.Status.DONE, 7, 1, 1)
    assert [e["index"] for e in Upload.objects.get().report] == list(range(9))
    assert len(HeldRecord.objects.get().document["observations"]) == len(parse_cda(cda(world.person_a)).observations)
    in_worker = Checkup.objects.get(person=people[0])
    twin = PersonFactory(insurer=world.insurer_b, card_number="twin", birth_date=people[0].birth_date)
    single, _ = checkup_store(person=twin, document=document(twin), source=Source.FILE_IMPORT)
    assert _judged_fields(in_worker) == _judged_fields(single)


def _chunks_of_two_crashing_at_the_second(monkeypatch) -> None:
    """A command import in chunks of two records whose second chunk is killed once (the first is committed)."""
    monkeypatch.setattr(uploads, "SMALL_UPLOAD_RECORDS", 0)
    monkeypatch.setattr(upload_chunks, "CHUNK_SIZE", 2)
    real, calls = upload_chunks.records_receive, {"n": 0}

    def crash_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(upload_chunks, "records_receive", crash_second)


def test_interrupted_command_import_resumes_with_the_file(world, monkeypatch) -> None:
    people = [PersonFactory(insurer=world.insurer_a, card_number=f"5{i:03d}") for i in range(4)]
    _chunks_of_two_crashing_at_the_second(monkeypatch)
    data = archive_of([cda(p) for p in people])
    with pytest.raises(RuntimeError):
        upload_receive(submitter=Submitter(label="command"), data=data, file_name="a.zip", process_now=True)
    assert Upload.objects.get().content in (b"", memoryview(b""))  # a command import keeps no copy of the file
    again = upload_receive(submitter=Submitter(label="command"), data=data, file_name="a.zip", process_now=True)
    assert (again.created, again.upload.status, again.upload.accepted) == (False, Upload.Status.DONE, 4)
    assert Checkup.objects.count() == 4


def test_a_chunked_report_is_gathered_in_order_when_done(world, monkeypatch) -> None:
    """Each chunk's entries are one part while processing; done, they are the upload's report, parts gone."""
    people = [PersonFactory(insurer=world.insurer_a, card_number=f"7{i:03d}") for i in range(5)]
    monkeypatch.setattr(uploads, "SMALL_UPLOAD_RECORDS", 0)
    monkeypatch.setattr(upload_chunks, "CHUNK_SIZE", 2)
    data = archive_of([cda(p) for p in people[:2]] + [b"<bad"] + [cda(p) for p in people[2:]])
    upload = upload_receive(submitter=Submitter(label="command"), data=data, file_name="r.zip", process_now=True).upload

    upload.refresh_from_db()
    assert [e["index"] for e in upload.report] == list(range(6))
    assert [e["status"] for e in upload.report] == ["accepted"] * 2 + ["rejected"] + ["accepted"] * 3
    assert upload.report_entries() == upload.report
    assert not UploadReportPart.objects.exists()


def test_the_report_so_far_is_read_while_processing(world, monkeypatch) -> None:
    """An import stopped after its first chunk: the committed chunk's entries are read (API and staff page
    both read `report_entries`); resumed, the report is complete and in order."""
    people = [PersonFactory(insurer=world.insurer_a, card_number=f"8{i:03d}") for i in range(4)]
    _chunks_of_two_crashing_at_the_second(monkeypatch)
    data = archive_of([cda(p) for p in people])
    with pytest.raises(RuntimeError):
        upload_receive(submitter=Submitter(label="command"), data=data, file_name="p.zip", process_now=True)
    stopped = Upload.objects.get()
    assert (stopped.status, stopped.done, stopped.report) == (Upload.Status.PROCESSING, 2, [])
    assert [e["index"] for e in stopped.report_entries()] == [0, 1]
    assert [r["index"] for r in UploadSerializer(stopped).data["records"]] == [0, 1]
    assert [row.number for row in upload_report_rows(stopped)] == [1, 2]

    upload_receive(submitter=Submitter(label="command"), data=data, file_name="p.zip", process_now=True)
    done = Upload.objects.get()
    assert (done.status, [e["index"] for e in done.report]) == (Upload.Status.DONE, [0, 1, 2, 3])
    assert not UploadReportPart.objects.exists()
